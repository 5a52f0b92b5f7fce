using System.Text.Json;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>Waits on a node's channels and playlists as an operator or a player would see them, for the channel specs.</summary>
internal static class ChannelProbes
{
    /// <summary>The media playlist at <paramref name="path"/> once <paramref name="until"/> holds for it.</summary>
    public static async Task<MediaPlaylist> PlaylistAsync(this HostProcess node, string path, Func<MediaPlaylist, bool> until, string what, int seconds = 60) =>
        await node.EventuallyAsync(async () =>
        {
            using var response = await node.Http.GetAsync(path);
            if (!response.IsSuccessStatusCode) return null;
            var playlist = PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync());
            return until(playlist) ? playlist : null;
        }, TimeSpan.FromSeconds(seconds), what);

    /// <summary>The playlist of a channel's <c>main</c> rendition once it lists at least <paramref name="segments"/> segments.</summary>
    public static Task<MediaPlaylist> SegmentsAsync(this HostProcess node, string id, int segments, string rendition = "main") =>
        node.PlaylistAsync($"/live/{id}/{rendition}/index.m3u8", p => p.Segments.Count >= segments, $"{segments} live segments of {id}/{rendition}", 90);

    /// <summary>The channel as <c>GET /api/v1/channels/{id}</c> shows it, once <paramref name="until"/> holds.</summary>
    public static async Task<JsonElement> ChannelAsync(this HostProcess node, string id, Func<JsonElement, bool> until, string what, int seconds = 60) =>
        (await node.EventuallyAsync(async () =>
        {
            var channel = await node.GetJsonAsync($"/api/v1/channels/{id}");
            return until(channel) ? (JsonElement?)channel : null;
        }, TimeSpan.FromSeconds(seconds), what)) ?? throw new InvalidOperationException(what);

    public static string? Phase(this JsonElement channel) => channel.GetProperty("phase").GetString();

    public static bool HasAlarm(this JsonElement channel, string kind) => channel.AlarmDetail(kind) is not null;

    public static string? AlarmDetail(this JsonElement channel, string kind) =>
        channel.GetProperty("alarms").EnumerateArray().Where(a => a.GetProperty("kind").GetString() == kind).Select(a => a.GetProperty("detail").GetString()).FirstOrDefault();

    public static string? ActiveSource(this JsonElement channel) =>
        channel.GetProperty("live").ValueKind == JsonValueKind.Object ? channel.GetProperty("live").GetProperty("activeSource").GetString() : null;
}
