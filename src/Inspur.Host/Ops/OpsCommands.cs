using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Inspur.Domain.Ops;
using Response = Inspur.Domain.Ops.OpsWire.Response;
using ExitCodes = Inspur.Domain.Ops.OpsWire.ExitCodes;

namespace Inspur.Host.Ops;

/// <summary>The command palettes of the ops endpoint, modelled on Petabridge.Cmd's <c>cluster</c> and <c>cluster-sharding</c>.</summary>
public sealed class OpsCommands(ActorSystem system)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private sealed record Command(string Palette, string Name, string[] Arguments, string Help,
        Func<IReadOnlyList<string>, CancellationToken, Task<Response>> Run)
    {
        public string Usage => string.Join(' ', new[] { Palette, Name }.Concat(Arguments.Select(a => $"<{a}>")));
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
    ];

    private Cluster Cluster => Cluster.Get(system);

    public async Task<Response> ExecuteAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        if (words is ["help"] or ["?"]) return new Response(ExitCodes.Ok, Help());
        if (words.Count < 2) return Unknown(words);
        var command = All.FirstOrDefault(c => c.Palette == words[0] && c.Name == words[1]);
        if (command is null) return Unknown(words);
        var args = words.Skip(2).ToList();
        if (args.Count != command.Arguments.Length)
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
