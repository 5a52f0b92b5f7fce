using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Inspur.Domain.Security;
using Inspur.Domain.Subscribers;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// Subscribers as the product makes them: accounts and orders through the signed BOSS API, a set-top box signed in with
/// a password, playback granted by <c>POST /api/v1/playback</c>, sessions steered with the account's own access token.
/// </summary>
public sealed class Viewers(HostProcess node, BossClient boss)
{
    public const string Password = "correct horse battery";
    public const string Device = "stb-1";
    public static readonly byte[] AccessKey = Enumerable.Range(50, 32).Select(i => (byte)i).ToArray();
    public static readonly TokenKeyRing AccessKeys = new(new Dictionary<string, byte[]> { ["a1"] = AccessKey }, "a1", "access");

    private readonly ConcurrentDictionary<string, string> _signedIn = new();
    private readonly ConcurrentDictionary<string, string> _owners = new();
    private readonly ConcurrentDictionary<string, Lazy<Task>> _accounts = new();

    /// <summary>The settings a node needs for these viewers: the BOSS key and the access-token key.</summary>
    public static Dictionary<string, string> Settings()
    {
        var settings = BossClient.Settings;
        settings["Inspur:Auth:Keys:a1"] = Convert.ToBase64String(AccessKey);
        return settings;
    }

    public BossClient Boss => boss;

    public static string Key() => Guid.NewGuid().ToString("N");

    /// <summary>Defines (or redefines) a package of <paramref name="channels"/>.</summary>
    public Task PackageAsync(string product, params string[] channels) =>
        boss.JsonAsync(HttpMethod.Put, $"/products/{product}",
            $$"""{"kind":"package","name":"{{product}}","price":1000,"currency":"CNY","channels":[{{string.Join(',', channels.Select(c => $"\"{c}\""))}}]}""", Key());

    /// <summary>Opens an account (with <paramref name="product"/> ordered unless null) and signs its set-top box in.</summary>
    public async Task<string> AccountAsync(string id, string? product, int streams = 2)
    {
        await boss.JsonAsync(HttpMethod.Post, "/subscribers",
            $$"""{"id":"{{id}}","name":"Viewer","deviceLimit":3,"streamLimit":{{streams}},"password":"{{Password}}"}""", Key(), HttpStatusCode.Created);
        if (product is not null) await boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/orders", $$"""{"productId":"{{product}}"}""", Key());
        await SignInAsync(id);
        return id;
    }

    /// <summary>The account opened once however many callers ask at the same time.</summary>
    public Task EnsureAccountAsync(string id, string product, int streams) =>
        _accounts.GetOrAdd(id, _ => new Lazy<Task>(() => AccountAsync(id, product, streams))).Value;

    /// <summary>Signs the set-top box in (again): the access token it keeps from now on.</summary>
    public async Task<string> SignInAsync(string subscriber)
    {
        using var signIn = await node.Http.PostAsync("/api/v1/auth/sign-in", new StringContent(
            $$$"""{"account":"{{{subscriber}}}","password":"{{{Password}}}","device":{"id":"{{{Device}}}","kind":"stb","serial":"SN-1"}}""", Encoding.UTF8, "application/json"));
        var text = await signIn.Content.ReadAsStringAsync();
        Assert.True(signIn.StatusCode == HttpStatusCode.OK, $"sign-in: {text}");
        return _signedIn[subscriber] = JsonDocument.Parse(text).RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>The access token the account's set-top box got at its last sign-in.</summary>
    public string SignedIn(string subscriber) => _signedIn[subscriber];

    public async Task<HttpResponseMessage> PlayAsync(string? token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/playback") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await node.Http.SendAsync(request);
    }

    /// <summary>A granted playback (201), its session remembered as the subscriber's.</summary>
    public async Task<JsonElement> GrantedAsync(string subscriber, string json)
    {
        using var response = await PlayAsync(SignedIn(subscriber), json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var grant = JsonDocument.Parse(text).RootElement;
        _owners[grant.GetProperty("session").GetString()!] = subscriber;
        return grant;
    }

    /// <summary>A request as the subscriber's player sends it: with its access token.</summary>
    public Task<HttpResponseMessage> SendAsync(string subscriber, HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SignedIn(subscriber));
        return node.Http.SendAsync(request);
    }

    /// <summary>A request about a session sent by the player of the account that started it.</summary>
    public Task<HttpResponseMessage> SessionRequestAsync(string session, HttpMethod method, string path, HttpContent? content = null) =>
        SendAsync(_owners[session], method, path, content);

    /// <summary>The session as its owner reads it.</summary>
    public async Task<JsonElement> SessionAsync(string session)
    {
        using var response = await SessionRequestAsync(session, HttpMethod.Get, $"/api/v1/sessions/{session}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET session {session}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>An access token minted with the node's key, for the cases sign-in never issues (expired, unknown account).</summary>
    public static string Token(string subscriber, string device = Device, TimeSpan? life = null, DateTimeOffset? issued = null)
    {
        var at = issued ?? DateTimeOffset.UtcNow;
        return SubscriberToken.Sign(new SubscriberClaims(new SubscriberId(subscriber), device, at, at + (life ?? TimeSpan.FromHours(1))), AccessKeys);
    }
}
