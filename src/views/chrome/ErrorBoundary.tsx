// The last line of defence: a render error shows a message and a way back,
// never a blank page.
import { Component, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  /** Back to a known-good state (the default scenario). */
  onReset(): void;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error) {
    console.error('ptlab: the page failed to draw', error);
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="crash" role="alert" aria-label="Something went wrong">
        <h1>ptlab hit a problem drawing this page</h1>
        <p>{String(error.message || error).slice(0, 500)}</p>
        <button
          type="button"
          onClick={() => {
            this.props.onReset();
            this.setState({ error: null });
          }}
        >
          Reload the default scenario
        </button>
      </div>
    );
  }
}
