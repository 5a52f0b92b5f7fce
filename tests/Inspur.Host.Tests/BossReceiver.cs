using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Inspur.Host.Boss;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// Stands in for the operator's BOSS (the external party, not our product) receiving billing records: a real HTTP listener on a
/// free port that keeps every arrival, applies a record once per <c>Idempotency-Key</c> as the README asks a BOSS to, checks the
/// signature when given a secret, and answers what <see cref="Answer"/> says. <see cref="HoldFirst"/> keeps the first answer
/// back (after applying it, the worst case: the BOSS has it but the node never hears so) until <see cref="Release"/>.
/// </summary>
public sealed class BossReceiver : IAsyncDisposable
{
    /// <summary>One POST received: its key and record, its number among all arrivals and among its key's.</summary>
    public sealed record Arrival(string Key, JsonElement Body, int Number, int Attempt);

    private readonly HttpListener _listener = new();
    private readonly string? _secret;
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private readonly ConcurrentDictionary<string, string> _applied = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private int _count;

    public BossReceiver(string? secret = null, bool holdFirst = false)
    {
        _secret = secret;
        HoldFirst = holdFirst;
        Url = $"http://127.0.0.1:{Repo.FreePort()}/billing/records";
        _listener.Prefixes.Add(Url[..(Url.LastIndexOf('/') + 1)]);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public bool HoldFirst { get; }

    /// <summary>The status to answer an arrival with (after it was applied, for a 2xx); 200 unless set.</summary>
    public Func<Arrival, (int Status, string? Body)> Answer { get; init; } = _ => (200, null);

    public IReadOnlyList<Arrival> Arrivals => _arrivals.ToList();

    /// <summary>Key → the record the BOSS applied for it: the first acknowledged arrival; a repeat of a known key changes nothing.</summary>
    public IReadOnlyDictionary<string, string> Applied => new Dictionary<string, string>(_applied);

    /// <summary>Completes when the first arrival is being held.</summary>
    public Task FirstHeld => _firstHeld.Task;

    public int ArrivalsOf(string key) => _arrivals.Count(a => a.Key == key);

    public void Release() => _release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var key = context.Request.Headers[BossSignature.IdempotencyHeader];
            if (key is null)
            {
                await RespondAsync(context, 400, "Idempotency-Key required");
                return;
            }

            if (_secret is not null && !SignedRight(context.Request, body))
            {
                await RespondAsync(context, 401, "bad signature");
                return;
            }

            var arrival = new Arrival(key, JsonDocument.Parse(body).RootElement.Clone(), Interlocked.Increment(ref _count), ArrivalsOf(key) + 1);
            _arrivals.Enqueue(arrival);
            var (status, text) = Answer(arrival);
            if (status is >= 200 and < 300) _applied.TryAdd(key, arrival.Body.GetRawText());
            if (HoldFirst && arrival.Number == 1)
            {
                _firstHeld.TrySetResult();
                await _release.Task;
            }

            await RespondAsync(context, status, text);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The node went away while we answered (the kill spec does that on purpose).
        }
    }

    private bool SignedRight(HttpListenerRequest request, byte[] body) =>
        request.Headers[BossSignature.KeyHeader] is not null && request.Headers[BossSignature.TimestampHeader] is { } ts &&
        request.Headers[BossSignature.SignatureHeader] is { } sig && BossSignature.Matches(_secret!, request.HttpMethod, request.RawUrl ?? "", ts, body, sig);

    private static async Task RespondAsync(HttpListenerContext context, int status, string? text)
    {
        context.Response.StatusCode = status;
        var bytes = Encoding.UTF8.GetBytes(text ?? "");
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
