/**
 * React Flow's own words (its controls' buttons, the descriptions screen readers hear) in the reader's language:
 * the library ships them in English only. A new object only when the language changes (t changes with it): a new
 * object per render would update the flow's store on every render.
 */
import type { AriaLabelConfig } from '@xyflow/react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

export function useFlowLabels(nodeHelp?: string): Partial<AriaLabelConfig> {
  const { t } = useTranslation();
  return useMemo(
    () => ({
      'node.a11yDescription.default': nodeHelp ?? t('graph.flow.nodeHelp'),
      'node.a11yDescription.keyboardDisabled': t('graph.flow.nodeHelp'),
      'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }: { direction: string; x: number; y: number }) => {
        const directions: Record<string, string> = {
          up: t('graph.flow.up'),
          down: t('graph.flow.down'),
          left: t('graph.flow.left'),
          right: t('graph.flow.right'),
        };
        return t('graph.flow.moved', { direction: directions[direction] ?? direction, x, y });
      },
      'edge.a11yDescription.default': t('graph.flow.edgeHelp'),
      'controls.ariaLabel': t('graph.flow.controls'),
      'controls.zoomIn.ariaLabel': t('graph.flow.zoomIn'),
      'controls.zoomOut.ariaLabel': t('graph.flow.zoomOut'),
      'controls.fitView.ariaLabel': t('graph.flow.fitView'),
      'controls.interactive.ariaLabel': t('graph.flow.interactive'),
      'minimap.ariaLabel': t('graph.flow.minimap'),
      'handle.ariaLabel': t('graph.flow.handle'),
    }),
    [t, nodeHelp],
  );
}
