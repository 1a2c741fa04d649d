/**
 * A list of documents: PDFs shown inline (an <iframe> of the download URL,
 * which the server lets the app's own pages frame), images with tap-to-zoom,
 * DXF/STEP as downloads; older versions stay one tap away. With `owner` and
 * `canManage`, planners upload (a file of the same name becomes its next
 * version) and delete.
 */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/client';
import { type DocumentEntry, type DocumentOwner, isShown, useDeleteDocument, useUploadDocument } from '../../api/documents';
import { formatDateTime, formatNumber } from '../../format';
import { Alert, Button } from '../../ui';
import './documents.css';

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${formatNumber(bytes / (1024 * 1024), 1)} MB` : `${formatNumber(Math.max(1, Math.round(bytes / 1024)), 0)} KB`;

export function DocumentsPanel({
  entries,
  owner,
  canManage = false,
  expanded = false,
  testId,
}: {
  entries: DocumentEntry[];
  owner?: DocumentOwner;
  canManage?: boolean;
  /** Show PDFs and images at once (the portal) rather than behind a tap (plan page, designer). */
  expanded?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="documents" data-testid={testId}>
      {entries.length === 0 && <p className="muted small">{t('documents.none')}</p>}
      <ul className="documents__list">
        {entries.map((entry) => (
          <DocumentItem key={entry.id} entry={entry} canManage={canManage} expanded={expanded} />
        ))}
      </ul>
      {owner && canManage && <UploadButton owner={owner} />}
    </div>
  );
}

function DocumentItem({ entry, canManage, expanded }: { entry: DocumentEntry; canManage: boolean; expanded: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(expanded);
  const [showOlder, setShowOlder] = useState(false);
  const remove = useDeleteDocument();
  const shown = isShown(entry.contentType);
  return (
    <li className="documents__item" data-testid="document" data-name={entry.name} data-type={entry.contentType}>
      <div className="row">
        <strong>{entry.name}</strong>
        <span className="muted small">
          {t('documents.version', { n: formatNumber(entry.version) })} · {sizeText(entry.size)} · {formatDateTime(entry.uploadedAt)} · {entry.uploadedBy}
        </span>
        <span className="spacer" />
        {shown && (
          <Button size="sm" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? t('documents.hide') : t('documents.show')}
          </Button>
        )}
        <a className="btn btn--sm" href={entry.url} download={entry.name}>
          {t('documents.download')}
        </a>
        {canManage && (
          <Button
            size="sm"
            variant="danger"
            disabled={remove.isPending}
            onClick={() => window.confirm(t('documents.confirmDelete', { name: entry.name })) && remove.mutate({ id: entry.id, allVersions: true })}
          >
            {t('documents.delete')}
          </Button>
        )}
      </div>
      {open && shown && <DocumentView url={entry.url} name={entry.name} contentType={entry.contentType} />}
      {entry.olderVersions.length > 0 && (
        <div className="small">
          <button type="button" className="link-button" onClick={() => setShowOlder(!showOlder)} aria-expanded={showOlder}>
            {t('documents.olderVersions', { count: entry.olderVersions.length })}
          </button>
          {showOlder && (
            <ul className="documents__older">
              {entry.olderVersions.map((v) => (
                <li key={v.id}>
                  <a href={`/api/mes/documents/${v.id}`} target="_blank" rel="noreferrer">
                    {t('documents.version', { n: formatNumber(v.version) })}
                  </a>{' '}
                  <span className="muted">
                    {sizeText(v.size)} · {formatDateTime(v.uploadedAt)} · {v.uploadedBy}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </li>
  );
}

const zoomLevels = [1, 2, 4];

/** A PDF in a frame; an image that zooms (1×, 2×, 4×) around the point tapped, scrollable when zoomed, pinch-zoomable on a tablet. */
export function DocumentView({ url, name, contentType }: { url: string; name: string; contentType: string }) {
  const { t } = useTranslation();
  const [zoom, setZoom] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  if (contentType === 'application/pdf') return <iframe className="documents__pdf" src={url} title={name} data-testid="document-pdf" />;
  const level = zoomLevels[zoom]!;
  return (
    <div className="documents__image" ref={box} data-zoom={level}>
      <img
        src={url}
        alt={name}
        data-testid="document-image"
        style={{ width: `${level * 100}%` }}
        title={t('documents.tapToZoom')}
        onClick={(e) => {
          const el = box.current;
          const next = (zoom + 1) % zoomLevels.length;
          const rect = e.currentTarget.getBoundingClientRect();
          const fx = (e.clientX - rect.left) / rect.width;
          const fy = (e.clientY - rect.top) / rect.height;
          setZoom(next);
          // keep the tapped point under the finger
          requestAnimationFrame(() => {
            if (!el) return;
            el.scrollLeft = fx * el.scrollWidth - el.clientWidth / 2;
            el.scrollTop = fy * el.scrollHeight - el.clientHeight / 2;
          });
        }}
      />
    </div>
  );
}

function UploadButton({ owner }: { owner: DocumentOwner }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const upload = useUploadDocument(owner);
  return (
    <div className="stack">
      <div className="row">
        <input
          ref={input}
          type="file"
          className="sr-only"
          aria-label={t('documents.chooseFile')}
          accept=".pdf,.png,.jpg,.jpeg,.webp,.dxf,.step,.stp"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload.mutate(file);
            e.target.value = '';
          }}
        />
        <Button size="sm" onClick={() => input.current?.click()} disabled={upload.isPending}>
          {upload.isPending ? t('documents.uploading') : t('documents.upload')}
        </Button>
        <span className="muted small">{t('documents.uploadHint')}</span>
      </div>
      {upload.isError && (
        <Alert tone="danger" title={t('documents.uploadRefused')}>
          {describeError(upload.error).detail}
        </Alert>
      )}
    </div>
  );
}
