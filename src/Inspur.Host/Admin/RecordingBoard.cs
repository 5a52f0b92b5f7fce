using Inspur.Actors.Channels;
using Inspur.Actors.Recordings;
using static Inspur.Domain.Channels.ChannelReplies;
using static Inspur.Domain.Recordings.RecordingReplies;

namespace Inspur.Host.Admin;

/// <summary>What the recordings page shows: every recording and the channels one can record, as read at <see cref="At"/>.</summary>
public sealed record RecordingBoard(IReadOnlyList<RecordingView> Rows, IReadOnlyList<ChannelView> Channels, DateTimeOffset At)
{
    public static async Task<RecordingBoard> ReadAsync(IRecordingService recordings, IChannelService channels, CancellationToken ct) =>
        new(await recordings.ListAsync(ct), await channels.ListAsync(ct), DateTimeOffset.UtcNow);

    /// <summary>The rendition a recording of the channel takes: the top rung of a ladder, else the passthrough <c>main</c>.</summary>
    public static string Rendition(ChannelView channel) => channel.Config.Transcode?.Ladder[0].Name ?? Domain.Recordings.RecordingRequest.DefaultRendition;
}
