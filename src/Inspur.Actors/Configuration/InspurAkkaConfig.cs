using System.Text;
using Akka.Configuration;
using Akka.Persistence.Sql;

namespace Inspur.Actors.Configuration;

/// <summary>
/// Builds the node's Akka configuration: the HOCON files of <c>hocon/</c>, overridden by <see cref="InspurNodeSettings"/>
/// (appsettings / environment / command line), with Akka.Persistence.Sql's defaults as the last fallback.
/// </summary>
public static class InspurAkkaConfig
{
    public const string SqliteProvider = "SQLite.MS";
    public const string PostgresProvider = "PostgreSQL.15";

    /// <summary>The HOCON files, in order of precedence (first wins).</summary>
    public static readonly IReadOnlyList<string> BaseFiles = ["sbr.conf", "akka.conf"];

    public static Config Build(InspurNodeSettings settings, string hoconDir)
    {
        if (!Directory.Exists(hoconDir))
            throw new DirectoryNotFoundException($"HOCON folder '{hoconDir}' not found");

        var persistenceFile = settings.Postgres is null ? "persistence-sqlite.conf" : "persistence-postgres.conf";
        var files = BaseFiles.Prepend(persistenceFile)
            .Select(f => ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(hoconDir, f))));

        var config = ConfigurationFactory.ParseString(Overrides(settings));
        if (!string.IsNullOrWhiteSpace(settings.Hocon))
            config = ConfigurationFactory.ParseString(settings.Hocon).WithFallback(config);
        foreach (var file in files) config = config.WithFallback(file);

        // No roles configured means all of them; an unknown role is a configuration error, not a silent no-op.
        var roles = config.GetStringList("akka.cluster.roles");
        if (roles.FirstOrDefault(r => !InspurRoles.All.Contains(r)) is { } unknown)
            throw new ConfigurationException($"unknown cluster role '{unknown}'; roles are {string.Join(", ", InspurRoles.All)}");
        if (roles.Count == 0)
            config = ConfigurationFactory.ParseString($"akka.cluster.roles = [{string.Join(", ", InspurRoles.All.Select(Quote))}]").WithFallback(config);
        return config.WithFallback(SqlPersistence.DefaultConfiguration);
    }

    public static IReadOnlyList<string> Roles(Config config) => config.GetStringList("akka.cluster.roles").ToList();

    private static string Overrides(InspurNodeSettings s)
    {
        var hocon = new StringBuilder();
        if (s.Host is not null)
            hocon.AppendLine($"akka.remote.dot-netty.tcp.hostname = {Quote(s.Host)}\nakka.remote.dot-netty.tcp.public-hostname = {Quote(s.Host)}");
        if (s.Port is not null) hocon.AppendLine($"akka.remote.dot-netty.tcp.port = {s.Port}");
        if (s.Roles is not null) hocon.AppendLine($"akka.cluster.roles = [{string.Join(", ", s.Roles.Select(Quote))}]");
        if (s.SeedNodes is not null) hocon.AppendLine($"akka.cluster.seed-nodes = [{string.Join(", ", s.SeedNodes.Select(Quote))}]");
        if (s.StableAfter is not null) hocon.AppendLine($"akka.cluster.split-brain-resolver.stable-after = {Quote(s.StableAfter)}");

        string journal, snapshots;
        if (s.Postgres is not null)
        {
            journal = snapshots = s.Postgres;
        }
        else
        {
            var dir = Path.GetFullPath(s.DataDir);
            Directory.CreateDirectory(dir);
            journal = $"Data Source={Path.Combine(dir, "journal.db")};Pooling=True";
            snapshots = $"Data Source={Path.Combine(dir, "snapshots.db")};Pooling=True";
        }

        hocon.AppendLine($"akka.persistence.journal.sql.connection-string = {Quote(journal)}");
        hocon.AppendLine($"akka.persistence.query.journal.sql.connection-string = {Quote(journal)}");
        hocon.AppendLine($"akka.persistence.snapshot-store.sql.connection-string = {Quote(snapshots)}");
        return hocon.ToString();
    }

    /// <summary>A HOCON quoted string.</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";
}
