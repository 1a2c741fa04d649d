/**
 * A QR code drawn in the browser by `qrcode` (the kept library: encoding and
 * error correction done right) as an SVG, shown as a data: image (the app's
 * CSP admits data: images; nothing inline to run): crisp at any print size,
 * no round trip to the server, nothing stored.
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

export function QrCode({ value, size = 96, label, testId }: { value: string; size?: number; label: string; testId?: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(value, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      .then((svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch(() => live && setSrc(null));
    return () => {
      live = false;
    };
  }, [value]);
  if (!src) return <span className="qr qr--pending" style={{ width: size, height: size }} />;
  return <img className="qr" src={src} width={size} height={size} alt={label} data-testid={testId} data-value={value} />;
}
