using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Domain.Ops;
using Inspur.Host.Archive;
using Inspur.Media.Live;
using Response = Inspur.Domain.Ops.OpsWire.Response;
using ExitCodes = Inspur.Domain.Ops.OpsWire.ExitCodes;

namespace Inspur.Host.Ops;

/// <summary>The command palettes of the ops endpoint, modelled on Petabridge.Cmd's <c>cluster</c> and <c>cluster-sharding</c>.</summary>
public sealed class OpsCommands(ActorSystem system, IChannelService channels, LiveRegistry live, NodeArchive archive)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private sealed record Command(string Palette, string Name, string[] Arguments, string Help,
        Func<IReadOnlyList<string>, CancellationToken, Task<Response>> Run)
    {
        /// <summary>An argument ending in "..." is optional and takes the rest of the words.</summary>
        public bool Variadic => Arguments.Length > 0 && Arguments[^1].EndsWith("...", StringComparison.Ordinal);

        public string Usage => string.Join(' ', new[] { Palette, Name }.Concat(Arguments.Select(a => a.EndsWith("...", StringComparison.Ordinal) ? $"[{a}]" : $"<{a}>")));

        public bool Accepts(int count) => Variadic ? count >= Arguments.Length - 1 : count == Arguments.Length;
    }

    private IReadOnlyList<Command> All => field ??=
    [
        new("cluster", "show", [], "members with status, reachability and roles; the leader", (_, _) => Task.FromResult(ClusterShow())),
        new("cluster", "leave", ["address"], "ask a member to leave the cluster gracefully", (a, _) => Task.FromResult(OnMember(a[0], "leave", m => Cluster.Leave(m.Address)))),
        new("cluster", "down", ["address"], "mark a member down (use when it is known dead)", (a, _) => Task.FromResult(OnMember(a[0], "down", m => Cluster.Down(m.Address)))),
        new("cluster", "down-unreachable", [], "mark every unreachable member down", (_, _) => Task.FromResult(DownUnreachable())),
        new("cluster-sharding", "regions", [], "shard region types known on this node", (_, _) => Task.FromResult(Regions())),
        new("cluster-sharding", "region-stats", ["type"], "shards and entity counts of this node's region", RegionStats),
        new("cluster-sharding", "shard-stats", ["type"], "shards and entity counts in every region of the cluster", ShardStats),
        new("channel", "list", [], "every channel: number, id, name, running, live on this node", ChannelList),
        new("channel", "status", ["id"], "a channel's config and state, and its live renditions on this node", ChannelStatus),
        new("channel", "start", ["id"], "start a channel's pipeline", (a, ct) => ChannelChange(a[0], id => channels.StartAsync(id, ct))),
        new("channel", "stop", ["id", "reason..."], "stop a channel's pipeline", (a, ct) =>
            ChannelChange(a[0], id => channels.StopAsync(id, a.Count > 1 ? string.Join(' ', a.Skip(1)) : "stopped by operator (pbm)", ct))),
        new("archive", "usage", [], "this node's archive: bytes, retention and archived span per channel; the quota", ArchiveUsage),
    ];

    private Cluster Cluster => Cluster.Get(system);

    public async Task<Response> ExecuteAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        if (words is ["help"] or ["?"]) return new Response(ExitCodes.Ok, Help());
        if (words.Count < 2) return Unknown(words);
        var command = All.FirstOrDefault(c => c.Palette == words[0] && c.Name == words[1]);
        if (command is null) return Unknown(words);
        var args = words.Skip(2).ToList();
        if (!command.Accepts(args.Count))
            return new Response(ExitCodes.Usage, $"usage: {command.Usage}\n  {command.Help}");
        return await command.Run(args, ct);
    }

    private Response Unknown(IReadOnlyList<string> words)
    {
        var palette = All.Where(c => c.Palette == words[0]).Select(c => c.Usage).ToList();
        var hint = palette.Count > 0 ? $"commands of '{words[0]}':\n  {string.Join("\n  ", palette)}" : "try 'help' for the list of commands";
        return new Response(ExitCodes.Usage, $"unknown command '{string.Join(' ', words)}'; {hint}");
    }

    private string Help()
    {
        var text = new StringBuilder("Commands:\n");
        foreach (var c in All) text.AppendLine($"  {c.Usage,-44} {c.Help}");
        text.Append("  help                                         this list");
        return text.ToString();
    }

    private Response ClusterShow()
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var text = new StringBuilder();
        text.AppendLine($"Self:   {Cluster.SelfAddress}");
        text.AppendLine($"Leader: {state.Leader?.ToString() ?? "(none)"}");
        text.AppendLine($"{"ADDRESS",-44} {"STATUS",-9} {"REACHABLE",-9} ROLES");
        var members = state.Members.Concat(state.Unreachable.Where(u => !state.Members.Contains(u))).OrderBy(m => m.Address.ToString());
        foreach (var m in members)
            text.AppendLine($"{m.Address,-44} {m.Status,-9} {(unreachable.Contains(m.Address) ? "no" : "yes"),-9} {string.Join(",", m.Roles.OrderBy(r => r))}");
        text.Append($"Members: {state.Members.Count} (up {state.Members.Count(m => m.Status == MemberStatus.Up)}, unreachable {unreachable.Count})");
        return new Response(ExitCodes.Ok, text.ToString());
    }

    private Response OnMember(string addressText, string verb, Action<Member> action)
    {
        Address address;
        try
        {
            address = Address.Parse(addressText);
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or FormatException)
        {
            return NotAnAddress(addressText);
        }

        if (string.IsNullOrEmpty(address.System) || string.IsNullOrEmpty(address.Host) || address.Port is null or < 1 or > 65535)
            return NotAnAddress(addressText);

        var state = Cluster.State;
        var member = state.Members.Concat(state.Unreachable).FirstOrDefault(m => m.Address == address);
        if (member is null)
            return new Response(ExitCodes.Failed, $"{address} is not a member of this cluster; see 'cluster show'");
        action(member);
        return new Response(ExitCodes.Ok, $"{verb} requested for {address}");
    }

    private Response NotAnAddress(string text) =>
        new(ExitCodes.Usage, $"'{text}' is not an address like akka.tcp://{system.Name}@host:port");

    private Response DownUnreachable()
    {
        var unreachable = Cluster.State.Unreachable.ToList();
        foreach (var m in unreachable) Cluster.Down(m.Address);
        return new Response(ExitCodes.Ok, unreachable.Count == 0
            ? "no unreachable members"
            : $"down requested for {unreachable.Count} member(s):\n  {string.Join("\n  ", unreachable.Select(m => m.Address))}");
    }

    private Response Regions()
    {
        var names = ClusterSharding.Get(system).ShardTypeNames.OrderBy(n => n).ToList();
        return new Response(ExitCodes.Ok, names.Count == 0 ? "no shard regions" : string.Join('\n', names));
    }

    private async Task<Response> RegionStats(IReadOnlyList<string> args, CancellationToken ct)
    {
        if (Region(args[0]) is not { } region) return NoSuchRegion(args[0]);
        var stats = await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, Timeout, ct);
        var text = new StringBuilder($"Region {args[0]} on {Cluster.SelfAddress}\n");
        AppendShards(text, stats.Stats);
        if (stats.Failed.Count > 0) text.Append($"\nfailed shards: {string.Join(", ", stats.Failed)}");
        return new Response(ExitCodes.Ok, text.ToString().TrimEnd());
    }

    private async Task<Response> ShardStats(IReadOnlyList<string> args, CancellationToken ct)
    {
        if (Region(args[0]) is not { } region) return NoSuchRegion(args[0]);
        var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(Timeout), Timeout + TimeSpan.FromSeconds(2), ct);
        var text = new StringBuilder($"Type {args[0]}: {stats.Regions.Count} region(s)\n");
        foreach (var (address, regionStats) in stats.Regions.OrderBy(r => r.Key.ToString()))
        {
            text.AppendLine($"{address}:");
            AppendShards(text, regionStats.Stats, "  ");
        }

        return new Response(ExitCodes.Ok, text.ToString().TrimEnd());
    }

    private static void AppendShards(StringBuilder text, IEnumerable<KeyValuePair<string, int>> shards, string indent = "")
    {
        var list = shards.OrderBy(s => int.TryParse(s.Key, out var n) ? n : int.MaxValue).ThenBy(s => s.Key).ToList();
        text.AppendLine($"{indent}shards: {list.Count}, entities: {list.Sum(s => s.Value)}");
        foreach (var (shard, entities) in list) text.AppendLine($"{indent}  shard {shard}: {entities} entities");
    }

    private async Task<Response> ChannelList(IReadOnlyList<string> _, CancellationToken ct)
    {
        var all = await channels.ListAsync(ct);
        if (all.Count == 0) return new Response(ExitCodes.Ok, "no channels");
        var text = new StringBuilder($"{"NUMBER",-7} {"ID",-24} {"NAME",-24} {"RUNNING",-8} {"PHASE",-9} {"ALARMS",-7} {"LIVE HERE",-10} SOURCE\n");
        foreach (var c in all)
        {
            var here = live.Renditions(c.ChannelId.Value).Count > 0 ? "yes" : "no";
            text.AppendLine($"{c.Config.Number,-7} {c.ChannelId.Value,-24} {Cut(c.Config.Name, 24),-24} {(c.Running ? "yes" : "no"),-8} {c.Phase.ToString().ToLowerInvariant(),-9} " +
                            $"{c.Alarms?.Count ?? 0,-7} {here,-10} {c.Config.Source ?? "-"}");
        }

        return new Response(ExitCodes.Ok, text.ToString().TrimEnd());
    }

    private async Task<Response> ArchiveUsage(IReadOnlyList<string> _, CancellationToken ct)
    {
        if (!archive.Settings.Enabled) return new Response(ExitCodes.Failed, "the archive is off on this node (Inspur:Archive:Enabled=false)");
        var configured = (await channels.ListAsync(ct)).ToDictionary(c => c.ChannelId.Value, c => c.Config.ArchiveHours, StringComparer.Ordinal);
        var usage = archive.Usage.ByChannel;
        var reader = archive.Reader;
        var text = new StringBuilder($"archive {archive.Layout.Root}: {Human(archive.Usage.Total)}" +
                                     (archive.Settings.QuotaBytes is { } quota ? $" of {Human(quota)} quota ({100.0 * archive.Usage.Total / quota:0.#} %)" : ", no quota") +
                                     (archive.LastRetention is { AboveAlarm: true } ? " — OVER 90 % OF THE QUOTA: the oldest hours are being purged" : "") + "\n");
        text.AppendLine($"{"CHANNEL",-24} {"BYTES",10} {"RETENTION",10} {"RENDITION",-10} ARCHIVED");
        foreach (var channel in usage.Keys.Union(configured.Keys).Order())
        {
            var renditions = reader.Renditions(channel);
            var retention = configured.TryGetValue(channel, out var hours) ? $"{hours} h" : "-";
            if (renditions.Count == 0) text.AppendLine($"{channel,-24} {Human(usage.GetValueOrDefault(channel)),10} {retention,10} {"-",-10} nothing");
            foreach (var r in renditions)
            {
                var extent = reader.Extent(channel, r);
                text.AppendLine($"{channel,-24} {Human(usage.GetValueOrDefault(channel)),10} {retention,10} {r,-10} " +
                                (extent is { } e ? $"{e.From:u} .. {e.To:u} ({e.Duration.TotalHours:0.#} h)" : "nothing"));
            }
        }

        return new Response(ExitCodes.Ok, text.ToString().TrimEnd());
    }

    private static string Human(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} B",
    };

    private async Task<Response> ChannelStatus(IReadOnlyList<string> args, CancellationToken ct)
    {
        if (!ChannelId.IsValid(args[0])) return NotAChannelId(args[0]);
        var reply = await channels.GetAsync(new ChannelId(args[0]), ct);
        if (reply is not ChannelReplies.ChannelView view) return Rejected(reply);
        var text = new StringBuilder();
        text.AppendLine($"Channel {view.ChannelId} #{view.Config.Number} \"{view.Config.Name}\"");
        text.AppendLine($"  running:     {(view.Running ? "yes" : "no")}");
        text.AppendLine($"  phase:       {view.Phase.ToString().ToLowerInvariant()}{(view.PhaseReason is { } why ? $" ({why})" : "")}");
        text.AppendLine($"  source:      {view.Config.Source ?? "-"}{(view.Config.LowLatency ? " (LL-HLS)" : "")}");
        if (view.Config.BackupSource is { } backup) text.AppendLine($"  backup:      {backup}");
        text.AppendLine($"  transcode:   {(view.Config.Transcode is { } t ? string.Join(", ", t.Ladder.Select(r => $"{r.Name} {r.Width}x{r.Height} {r.VideoKbps} kb/s")) : "passthrough")}");
        if (view.Live is { } l)
            text.AppendLine($"  input:       {l.InputKbps} kb/s from the {l.ActiveSource}, last byte {(l.LastInput is { } li ? $"{li:u}" : "never")}, on {l.Node}");
        text.AppendLine($"  version:     {view.Version}, updated {view.UpdatedAt:u}");
        text.AppendLine($"  alarms:      {(view.Alarms is { Count: > 0 } alarms ? string.Join("; ", alarms.Select(a => $"{a.Kind} since {a.Since:u}: {a.Detail}")) : "none")}");
        var renditions = live.Renditions(view.ChannelId.Value);
        if (renditions.Count == 0) text.Append("  live here:   no");
        foreach (var r in renditions)
        {
            var last = r.Snapshot.Segments.IsEmpty ? null : r.Snapshot.Segments[^1];
            text.AppendLine($"  rendition {r.Name}: " + (last is null
                ? "no segment yet"
                : $"last segment {last.Sequence} at {last.ProgramDateTime:u} ({last.Bitrate / 1000} kb/s), window {r.Snapshot.Segments.Length} segments, {r.Description?.Codecs}"));
        }

        return new Response(ExitCodes.Ok, text.ToString().TrimEnd());
    }

    private async Task<Response> ChannelChange(string idText, Func<ChannelId, Task<ChannelReplies.IChannelReply>> change)
    {
        if (!ChannelId.IsValid(idText)) return NotAChannelId(idText);
        var reply = await change(new ChannelId(idText));
        return reply is ChannelReplies.ChannelView view
            ? new Response(ExitCodes.Ok, $"channel {view.ChannelId} is {(view.Running ? "running" : "stopped")} (version {view.Version})")
            : Rejected(reply);
    }

    private static Response NotAChannelId(string text) =>
        new(ExitCodes.Usage, $"'{Cut(text, 80)}' is not a channel id (lower-case letters, digits and dashes)");

    private static Response Rejected(ChannelReplies.IChannelReply reply) => new(ExitCodes.Failed, reply switch
    {
        ChannelReplies.ChannelRejected r => r.Message,
        _ => $"unexpected reply {reply.GetType().Name}",
    });

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    private IActorRef? Region(string type)
    {
        var sharding = ClusterSharding.Get(system);
        return sharding.ShardTypeNames.Contains(type) ? sharding.ShardRegion(type) : null;
    }

    private Response NoSuchRegion(string type)
    {
        var known = ClusterSharding.Get(system).ShardTypeNames.OrderBy(n => n);
        return new Response(ExitCodes.Failed, $"no shard region '{type}' on this node; known: {string.Join(", ", known)}");
    }
}
