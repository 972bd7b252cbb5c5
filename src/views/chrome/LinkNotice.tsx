// A link that could not be opened: the codec's message (a newer format, cut
// short, corrupted, too large), the default scenario instead, and the
// scenario text recovered from the link, one click away.
import { useStore } from '../../store/store.ts';
import { selectLinkNotice } from '../../store/selectors.ts';

export function LinkNotice() {
  const notice = useStore(selectLinkNotice);
  if (!notice) return null;
  const lines = notice.recovered ? notice.recovered.split('\n').length : 0;
  return (
    <div className="link-notice" role="alert" aria-label="Link problem">
      <p>
        <strong>This link could not be opened:</strong> {notice.message}.
      </p>
      <p>The default scenario is loaded instead.{notice.recovered ? ` ${lines} line${lines === 1 ? '' : 's'} of the scenario could be recovered from the link.` : ''}</p>
      <div className="link-notice-actions">
        {notice.recovered !== undefined && (
          <button type="button" onClick={() => useStore.getState().openRecovered()}>
            Open the recovered text
          </button>
        )}
        <button type="button" onClick={() => useStore.getState().dismissLinkNotice()}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
