import { IconRefresh } from '@tabler/icons-react';
import { useApi } from '@/auth/AuthProvider';
import { ConfirmAction } from '@/components/ConfirmAction';
import { humanize } from '@/lib/format';

export function JobRetry({ id, type }: { id: string; type: string }) {
  const api = useApi();
  return (
    <ConfirmAction
      permission="jobs.retry"
      label="Retry"
      target={humanize(type)}
      iconOnly
      icon={<IconRefresh size={16} />}
      message="The job runs again; steps already done are not repeated."
      run={() => api.post(`/jobs/${id}/retry`)}
      invalidate={[['dashboard'], ['jobs']]}
    />
  );
}
