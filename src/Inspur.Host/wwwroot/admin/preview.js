// The admin's in-page preview: plays a channel's master playlist in a <video> with the bundled hls.js,
// one Hls instance per element, destroyed before the next channel plays or when the preview closes.
const players = new WeakMap();

export function play(video, url, listener) {
  stop(video);
  const report = state => listener?.invokeMethodAsync('OnPlayerState', state).catch(() => {});
  video.onplaying = () => report('playing');
  if (window.Hls && Hls.isSupported()) {
    const hls = new Hls({ lowLatencyMode: true });
    players.set(video, hls);
    hls.on(Hls.Events.MANIFEST_PARSED, () => { report('loading'); video.play().catch(() => {}); });
    hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) report('error: ' + data.details); });
    hls.loadSource(url);
    hls.attachMedia(video);
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = url; // Safari plays HLS natively
    video.play().catch(() => {});
  } else {
    report('error: this browser cannot play HLS');
  }
}

export function stop(video) {
  if (!video) return;
  const hls = players.get(video);
  if (hls) {
    hls.destroy();
    players.delete(video);
  }
  video.onplaying = null;
  video.removeAttribute('src');
  video.load();
}
