/**
 * Scanning with the tablet's camera: getUserMedia (the back camera where
 * there is one), frames decoded by the browser's BarcodeDetector where it
 * exists (Chrome on Android and ChromeOS, Safari), else by `jsqr` (a small,
 * dependency-free decoder, loaded only when the camera opens). The first QR
 * code read closes the scanner with its text.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Dialog } from '../ui';

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type DetectorClass = { new (options: { formats: string[] }): Detector; getSupportedFormats?: () => Promise<string[]> };

async function makeDecoder(): Promise<(canvas: HTMLCanvasElement, context: CanvasRenderingContext2D) => Promise<string | null>> {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (Native && (await Native.getSupportedFormats?.())?.includes('qr_code')) {
    const detector = new Native({ formats: ['qr_code'] });
    return async (canvas) => (await detector.detect(canvas))[0]?.rawValue ?? null;
  }
  const { default: jsQR } = await import('jsqr');
  return async (canvas, context) => {
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
  };
}

export function CameraScanner({ onScan, onClose }: { onScan: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(onScan);
  done.current = onScan;

  useEffect(() => {
    let stream: MediaStream | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    (async () => {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error(t('scan.noCamera'));
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      if (stopped) return;
      const el = video.current!;
      el.srcObject = stream;
      await el.play();
      const decode = await makeDecoder();
      const tick = async () => {
        if (stopped || !context) return;
        if (el.videoWidth > 0) {
          canvas.width = el.videoWidth;
          canvas.height = el.videoHeight;
          context.drawImage(el, 0, 0);
          const text = await decode(canvas, context).catch(() => null);
          if (text && !stopped) {
            stopped = true;
            done.current(text);
            return;
          }
        }
        timer = setTimeout(() => void tick(), 150);
      };
      void tick();
    })().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [t]);

  return (
    <Dialog
      open
      title={t('scan.title')}
      onClose={onClose}
      footer={
        <Button size="lg" onClick={onClose}>
          {t('dialogs.back')}
        </Button>
      }
    >
      <div className="stack">
        <video ref={video} className="scan__video" muted playsInline data-testid="scan-video" />
        <p className="muted">{t('scan.hint')}</p>
        {error && (
          <Alert tone="danger" title={t('scan.cameraFailed')}>
            {error}
          </Alert>
        )}
      </div>
    </Dialog>
  );
}
