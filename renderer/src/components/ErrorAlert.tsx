import type { CommandError } from '../useCommand.js';

/** A failure of a command, announced at once (role="alert"); rendered only while there is one. */
export function ErrorAlert({ failure }: { failure: CommandError | undefined }) {
  if (!failure) return null;
  return (
    <div role="alert" className="alert alert-error">
      <p>{failure.error}</p>
      {failure.details && failure.details.length > 0 && (
        <ul className="alert-details">
          {failure.details.map((detail, i) => (
            <li key={i}>{detail}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
