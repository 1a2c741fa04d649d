/** The documents of one owner (an operation, a plan or a plan's step), loaded, listed and (for planners) uploaded. */
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { type DocumentOwner, useOwnerDocuments } from '../../api/documents';
import { DocumentsPanel } from './DocumentsPanel';

export function OwnerDocuments({ owner, canManage = true, testId }: { owner: DocumentOwner; canManage?: boolean; testId?: string }) {
  const { t } = useTranslation();
  const documents = useOwnerDocuments(owner);
  if (documents.isError) return <ErrorAlert error={documents.error} title={t('documents.cannotLoad')} />;
  if (!documents.data) return <p className="muted small">{t('common.loading')}</p>;
  return <DocumentsPanel entries={documents.data.items} owner={owner} canManage={canManage} testId={testId} />;
}
