/** The documents next to a task: the step's own, its plan's and its operation's, drawings shown at once. */
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useStepDocuments } from '../../api/documents';
import { DocumentsPanel } from '../../components/documents/DocumentsPanel';

export function TaskDocuments({ assignmentId }: { assignmentId: string }) {
  const { t } = useTranslation();
  const documents = useStepDocuments(assignmentId);
  if (documents.isError) return <ErrorAlert error={documents.error} title={t('documents.cannotLoad')} />;
  if (!documents.data) return null;
  const { step, plan, operation } = documents.data;
  if (step.length + plan.length + operation.length === 0) return null;
  return (
    <section className="portal__documents card" aria-label={t('documents.title')} data-testid="task-documents">
      <h2 className="portal__queue-title">{t('documents.title')}</h2>
      {step.length > 0 && <DocumentsPanel entries={step} expanded testId="documents-step" />}
      {plan.length > 0 && (
        <>
          <h3 className="small muted">{t('documents.ofPlan')}</h3>
          <DocumentsPanel entries={plan} testId="documents-plan" />
        </>
      )}
      {operation.length > 0 && (
        <>
          <h3 className="small muted">{t('documents.ofOperation')}</h3>
          <DocumentsPanel entries={operation} testId="documents-operation" />
        </>
      )}
    </section>
  );
}
