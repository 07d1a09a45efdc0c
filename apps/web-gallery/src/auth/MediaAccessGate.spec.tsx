import { act, screen } from '@testing-library/react';
import { ServicesProvider } from '../app/services';
import { fakeApi, renderWith, testServices } from '../test/fixtures';
import type { MediaAccessEnv } from './media-access';
import { MediaAccessGate } from './MediaAccessGate';

const env: MediaAccessEnv = { now: () => Date.now(), setTimer: () => () => undefined, onVisible: () => () => undefined };

describe('MediaAccessGate', () => {
  it('shows the library only once the media cookies were asked for and answered', async () => {
    let answer: (access: { expiresAt: string | null }) => void = () => undefined;
    const api = fakeApi({ mediaAccess: jest.fn(() => new Promise<{ expiresAt: string | null }>((done) => (answer = done))) });
    renderWith(
      <MediaAccessGate owner="alice" env={env}>
        <p>library</p>
      </MediaAccessGate>,
      testServices(api),
    );
    expect(screen.queryByText('library')).toBeNull();
    expect(screen.getByLabelText('Loading your library')).toBeTruthy();
    await act(async () => answer({ expiresAt: new Date(Date.now() + 3_600_000).toISOString() }));
    expect(screen.getByText('library')).toBeTruthy();
    expect(api.mediaAccess).toHaveBeenCalledTimes(1);
  });

  it('asks again for a new signed-in owner, and shows the library when the grant fails too', async () => {
    const api = fakeApi({ mediaAccess: jest.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue({ expiresAt: null }) });
    const services = testServices(api);
    const view = renderWith(
      <MediaAccessGate owner="alice" env={env}>
        <p>library</p>
      </MediaAccessGate>,
      services,
    );
    expect(await screen.findByText('library')).toBeTruthy();
    view.rerender(
      <ServicesProvider services={services}>
        <MediaAccessGate owner="bob" env={env}>
          <p>library</p>
        </MediaAccessGate>
      </ServicesProvider>,
    );
    expect(await screen.findByText('library')).toBeTruthy();
    expect(api.mediaAccess).toHaveBeenCalledTimes(2);
  });
});
