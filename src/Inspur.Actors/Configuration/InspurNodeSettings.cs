namespace Inspur.Actors.Configuration;

/// <summary>Cluster roles a node can take; one binary runs any mix of them.</summary>
public static class InspurRoles
{
    public const string Origin = "origin";
    public const string Edge = "edge";
    public const string Backoffice = "backoffice";

    public static readonly IReadOnlyList<string> All = [Origin, Edge, Backoffice];
}

/// <summary>
/// The node settings that appsettings, environment variables and the command line may set (section <c>Inspur</c>).
/// Each one that is set overrides the matching key of the HOCON files in <c>hocon/</c>.
/// </summary>
public sealed record InspurNodeSettings
{
    public string ActorSystemName { get; init; } = "inspur";

    /// <summary>Remoting host name (also advertised to other nodes).</summary>
    public string? Host { get; init; }

    /// <summary>Remoting port; 0 picks a free one.</summary>
    public int? Port { get; init; }

    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>Seed node addresses; none means the node forms a cluster of its own.</summary>
    public IReadOnlyList<string>? SeedNodes { get; init; }

    /// <summary>Split-brain resolver <c>stable-after</c>, as a HOCON duration ("20s").</summary>
    public string? StableAfter { get; init; }

    /// <summary>Folder for the embedded SQLite journal and snapshot store.</summary>
    public string DataDir { get; init; } = "data";

    /// <summary>A PostgreSQL connection string; when set, the journal and snapshot store live in PostgreSQL.</summary>
    public string? Postgres { get; init; }

    /// <summary>Raw HOCON that wins over everything else (for settings not mapped above).</summary>
    public string? Hocon { get; init; }
}
