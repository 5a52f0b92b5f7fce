using Akka.Configuration;
using Inspur.Actors.Configuration;
using Inspur.Testing;
using Microsoft.Extensions.Configuration;

namespace Inspur.Host.Tests;

/// <summary>The HOCON files are what the node runs on, and Inspur:* settings override them (README "Configuration").</summary>
public sealed class ConfigurationSpecs
{
    private static readonly string HoconDir = Path.Combine(Repo.Root, "hocon");

    private static Config Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var node = NodeSettingsReader.Read(configuration) with { DataDir = Repo.TempDir("config-specs") };
        return InspurAkkaConfig.Build(node, HoconDir);
    }

    [Fact]
    public void Defaults_come_from_the_hocon_files()
    {
        var config = Build();

        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(20), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal("ddata", config.GetString("akka.cluster.sharding.state-store-mode"));
        Assert.Equal(4053, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(["origin", "edge", "backoffice"], config.GetStringList("akka.cluster.roles"));
        Assert.Equal("inspur", config.GetString("akka.actor.serialization-bindings.\"Inspur.Domain.IInspurMessage, Inspur.Domain\""));
    }

    [Fact]
    public void Sqlite_is_the_default_with_journal_and_snapshots_in_separate_files()
    {
        var config = Build(("Inspur:DataDir", "ignored-by-test"));

        Assert.Equal("SQLite.MS", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Contains("journal.db", config.GetString("akka.persistence.journal.sql.connection-string"));
        Assert.Contains("snapshots.db", config.GetString("akka.persistence.snapshot-store.sql.connection-string"));
        Assert.Equal(config.GetString("akka.persistence.journal.sql.connection-string"), config.GetString("akka.persistence.query.journal.sql.connection-string"));
        Assert.True(config.GetBoolean("akka.persistence.journal.sql.auto-initialize"));
    }

    [Fact]
    public void One_postgres_connection_string_selects_postgres()
    {
        const string cs = "Host=db;Database=inspur;Username=u;Password=p\"q";

        var config = Build(("Inspur:Postgres", cs));

        Assert.Equal("PostgreSQL.15", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal("PostgreSQL.15", config.GetString("akka.persistence.snapshot-store.sql.provider-name"));
        Assert.Equal(cs, config.GetString("akka.persistence.journal.sql.connection-string"));
        Assert.Equal(cs, config.GetString("akka.persistence.query.journal.sql.connection-string"));
    }

    [Fact]
    public void Settings_override_the_hocon_files()
    {
        var config = Build(
            ("Inspur:StableAfter", "3s"),
            ("Inspur:Port", "4999"),
            ("Inspur:Host", "10.1.2.3"),
            ("Inspur:Roles", "origin, backoffice"),
            ("Inspur:SeedNodes", "akka.tcp://inspur@a:1,akka.tcp://inspur@b:2"));

        Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(4999, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("10.1.2.3", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(["origin", "backoffice"], config.GetStringList("akka.cluster.roles"));
        Assert.Equal(["akka.tcp://inspur@a:1", "akka.tcp://inspur@b:2"], config.GetStringList("akka.cluster.seed-nodes"));
    }

    [Fact]
    public void Lists_may_also_be_given_as_arrays()
    {
        var config = Build(("Inspur:Roles:0", "edge"), ("Inspur:SeedNodes:0", "akka.tcp://inspur@a:1"));

        Assert.Equal(["edge"], config.GetStringList("akka.cluster.roles"));
        Assert.Equal(["akka.tcp://inspur@a:1"], config.GetStringList("akka.cluster.seed-nodes"));
    }

    [Fact]
    public void Raw_hocon_wins_over_the_files_and_over_mapped_settings()
    {
        var config = Build(
            ("Inspur:Hocon", "akka.loglevel = DEBUG\nakka.cluster.split-brain-resolver.stable-after = 9s"),
            ("Inspur:StableAfter", "4s"));

        Assert.Equal("DEBUG", config.GetString("akka.loglevel"));
        Assert.Equal(TimeSpan.FromSeconds(9), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
    }

    [Fact]
    public void Environment_variables_reach_the_settings()
    {
        Environment.SetEnvironmentVariable("INSPUR_CFG_SPEC_Inspur__StableAfter", "7s");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables("INSPUR_CFG_SPEC_").Build();
            var config = InspurAkkaConfig.Build(NodeSettingsReader.Read(configuration) with { DataDir = Repo.TempDir("config-env") }, HoconDir);

            Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("INSPUR_CFG_SPEC_Inspur__StableAfter", null);
        }
    }

    [Fact]
    public void An_unknown_role_is_a_clear_error()
    {
        var error = Assert.Throws<ConfigurationException>(() => Build(("Inspur:Roles", "origin,orign")));

        Assert.Contains("orign", error.Message);
    }

    [Fact]
    public void A_port_that_is_not_a_number_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("Inspur:Port", "80a")));

        Assert.Contains("80a", error.Message);
    }

    [Fact]
    public void A_missing_hocon_folder_is_a_clear_error()
    {
        Assert.Throws<DirectoryNotFoundException>(() => InspurAkkaConfig.Build(new InspurNodeSettings(), "/no/such/hocon"));
    }
}
