using Akka.Configuration;
using Inspur.Actors.Configuration;
using Inspur.Testing;

namespace Inspur.Actors.Tests;

/// <summary>The production configuration from <c>hocon/</c>, pointed at a test database and free ports.</summary>
internal static class TestConfig
{
    public static string HoconDir => Path.Combine(Repo.Root, "hocon");

    public static Config Node(string dataDir, string? postgres = null, string? extraHocon = null) =>
        InspurAkkaConfig.Build(new InspurNodeSettings
        {
            Host = "127.0.0.1",
            Port = 0,
            DataDir = dataDir,
            Postgres = postgres,
            Hocon = extraHocon,
        }, HoconDir);
}
