import { Alert, Button } from '@backstage/ui';
import { ResponseError } from '@backstage/errors';

/** What the user can do about a failed request, by its status. */
function adviceFor(error: Error): string {
  const status = (error as ResponseError).response?.status;
  if (status === 403) {
    return 'You are not allowed to see this cluster; ask its owning team for access.';
  }
  if (status === 404) {
    return 'Basalt does not know this cluster (any more). If it was deleted, remove it from the manifest in the service repository; if it was just created, wait a moment.';
  }
  return 'Check that the Basalt backend is running, then try again.';
}

/** A failed load: what went wrong, what to do, and a way to retry. */
export function ErrorAlert(props: {
  title: string;
  error: Error;
  onRetry?: () => void;
}) {
  return (
    <Alert
      status="danger"
      icon
      title={props.title}
      description={`${props.error.message}. ${adviceFor(props.error)}`}
      customActions={
        props.onRetry && (
          <Button size="small" variant="secondary" onPress={props.onRetry}>
            Try again
          </Button>
        )
      }
    />
  );
}
