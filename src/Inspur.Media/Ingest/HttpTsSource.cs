using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;

namespace Inspur.Media.Ingest;

/// <summary>Where an HTTP(S) MPEG-TS feed is pulled from, and how patiently.</summary>
public sealed record HttpIngestOptions(Uri Url)
{
    /// <summary>Chunks (one per read, up to <see cref="ReadBytes"/> each) buffered while downstream is busy.</summary>
    public int BufferChunks { get; init; } = 256;

    public int ReadBytes { get; init; } = 64 * 1024;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No response or no byte for this long counts as a broken connection, and it is replaced.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait before reconnecting; it doubles per failure up to <see cref="ReconnectMax"/>, and is back here once data flowed.</summary>
    public TimeSpan ReconnectInitial { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The URL as alarms show it: no user info and no query, which often carry credentials.</summary>
    public string Display => Url is { IsAbsoluteUri: true }
        ? Url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
        : Url?.OriginalString ?? "";

    public void Validate()
    {
        if (Url is null) throw new ArgumentNullException(nameof(Url), "an HTTP ingest needs a URL");
        if (!Url.IsAbsoluteUri) throw new ArgumentException($"'{Url}' is not an absolute http:// or https:// URL", nameof(Url));
        if (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"'{Display}' is not an http:// or https:// URL (scheme {Url.Scheme})", nameof(Url));
        if (BufferChunks < 16) throw new ArgumentOutOfRangeException(nameof(BufferChunks), BufferChunks, "buffer at least 16 chunks");
        if (ReadBytes < 1316) throw new ArgumentOutOfRangeException(nameof(ReadBytes), ReadBytes, "read at least 1316 bytes at a time");
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "must be positive");
        if (IdleTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(IdleTimeout), IdleTimeout, "must be positive");
        if (ReconnectInitial <= TimeSpan.Zero || ReconnectMax < ReconnectInitial)
            throw new ArgumentOutOfRangeException(nameof(ReconnectInitial), "reconnecting needs 0 < ReconnectInitial <= ReconnectMax");
    }

    /// <summary>The wait before reconnect number <paramref name="failures"/> in a row (1-based).</summary>
    public TimeSpan ReconnectDelay(int failures) =>
        TimeSpan.FromTicks((long)Math.Min(ReconnectInitial.Ticks * Math.Pow(2, Math.Max(0, failures - 1)), ReconnectMax.Ticks));
}

/// <summary>
/// An Akka.Streams source of a continuous MPEG-TS HTTP(S) response body (an IPTV head-end, Flussonic, <c>ffmpeg -listen 1</c>).
/// A failed connection, a non-2xx answer, a silent or ended body are replaced by a new request after a backoff, so it
/// never completes or fails by itself; it stops when downstream cancels. The reason and count go to the materialized
/// <see cref="IngestStats"/>. Unlike UDP it never drops: while the buffer is full it stops reading and TCP slows the
/// server down, because a dropped TCP chunk would cut TS packets at arbitrary bytes, and a live server that will not
/// wait closes the connection itself, which is then counted as a reconnect.
/// </summary>
public sealed class HttpTsSource : GraphStageWithMaterializedValue<SourceShape<ByteString>, IngestStats>
{
    private readonly Outlet<ByteString> _out = new("http.out");

    public HttpTsSource(HttpIngestOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Clock = clock ?? TimeProvider.System;
        Shape = new SourceShape<ByteString>(_out);
    }

    public HttpIngestOptions Options { get; }

    public TimeProvider Clock { get; }

    public override SourceShape<ByteString> Shape { get; }

    public override ILogicAndMaterializedValue<IngestStats> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var logic = new Logic(this);
        return new LogicAndMaterializedValue<IngestStats>(logic, logic.Stats);
    }

    private sealed class Logic(HttpTsSource stage)
        : BufferedSourceLogic(stage.Shape, stage.Options.BufferChunks, dropWhenFull: false, stage.Clock)
    {
        private readonly HttpIngestOptions _options = stage.Options;

        protected override void Begin() => _ = RunAsync();

        private async Task RunAsync()
        {
            try
            {
                using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = _options.ConnectTimeout })
                {
                    Timeout = Timeout.InfiniteTimeSpan,
                };
                var buffer = new byte[_options.ReadBytes];
                var failures = 0;
                while (true)
                {
                    var delivered = await ReceiveOnce(client, buffer);
                    failures = delivered > 0 ? 1 : failures + 1;
                    await Task.Delay(_options.ReconnectDelay(failures), Clock, Stopping);
                    Stats.Reconnecting();
                }
            }
            catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                Fail(new IOException($"HTTP ingest from {_options.Display} broke: {ex.Message}", ex));
            }
        }

        /// <summary>One request: streams its body until it fails or ends; returns the bytes it delivered.</summary>
        private async Task<long> ReceiveOnce(HttpClient client, byte[] buffer)
        {
            var url = _options.Display;
            long total = 0;
            var connected = false;
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
            try
            {
                idle.CancelAfter(_options.IdleTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Get, _options.Url);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token);
                connected = true;
                if (!response.IsSuccessStatusCode)
                {
                    Stats.Failed($"{url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                    return 0;
                }

                await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
                while (true)
                {
                    idle.CancelAfter(_options.IdleTimeout);
                    var read = await body.ReadAsync(buffer, idle.Token);
                    if (read == 0)
                    {
                        Stats.Failed($"{url} ended the response after {total} bytes");
                        return total;
                    }

                    // Waiting for downstream is not the server's silence.
                    idle.CancelAfter(Timeout.InfiniteTimeSpan);
                    total += read;
                    await OfferAsync(ByteString.CopyFrom(buffer, 0, read));
                }
            }
            catch (OperationCanceledException) when (!Stopping.IsCancellationRequested)
            {
                Stats.Failed(connected
                    ? $"{url} sent nothing for {_options.IdleTimeout.TotalSeconds:0.#} s after {total} bytes"
                    : $"cannot connect to {url}: timed out");
            }
            catch (HttpRequestException ex)
            {
                Stats.Failed(connected ? $"{url} broke after {total} bytes: {ex.Message}" : $"cannot connect to {url}: {ex.Message}");
            }
            catch (IOException ex)
            {
                Stats.Failed($"{url} broke after {total} bytes: {ex.Message}");
            }

            return total;
        }
    }
}
