using Inspur.Host.Protection;
using Inspur.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Inspur.Host.Tests;

/// <summary>Where the AES-128 master comes from, and the clear errors for a protection setting that cannot work.</summary>
public sealed class ProtectionSettingsSpecs
{
    [Fact]
    public void Without_a_configured_master_a_node_makes_one_readable_only_by_itself_and_keeps_it()
    {
        var dir = Repo.TempDir("protection-local");
        var first = ProtectionSettings.Read(InMemorySettings.Of(), dir, NullLogger.Instance);
        var file = Path.Combine(dir, "protection", ProtectionSettings.MasterFile);

        Assert.Equal(32, new FileInfo(file).Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var again = ProtectionSettings.Read(InMemorySettings.Of(), dir, NullLogger.Instance);
        Assert.Equal(first.Key("news", 1), again.Key("news", 1));
        Assert.Equal(ProtectionSettings.DefaultRotation, again.Rotation);
    }

    // Nodes started together on one data folder (deploy/cluster-3.sh) all make the master at once: one wins, the
    // others read what it wrote instead of failing on "already exists" (CI31 saw a node die of that).
    [Fact]
    public async Task Nodes_making_the_local_master_at_the_same_time_all_end_with_the_same_one()
    {
        for (var round = 0; round < 20; round++)
        {
            var dir = Repo.TempDir("protection-race");
            using var go = new ManualResetEventSlim();
            var readers = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
            {
                go.Wait();
                return ProtectionSettings.Read(InMemorySettings.Of(), dir, NullLogger.Instance).Key("news", 1);
            }, TaskCreationOptions.LongRunning)).ToArray();
            go.Set();

            var keys = await Task.WhenAll(readers);

            Assert.All(keys, k => Assert.Equal(keys[0], k));
            Assert.Equal([ProtectionSettings.MasterFile], Directory.GetFiles(Path.Combine(dir, "protection")).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void A_configured_master_and_rotation_are_used()
    {
        var master = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var keys = ProtectionSettings.Read(InMemorySettings.Of(("Inspur:Protection:MasterKey", master), ("Inspur:Protection:KeyRotation", "00:10:00")),
            Repo.TempDir("protection-configured"), NullLogger.Instance);
        var same = new Inspur.Media.Protection.ContentKeys(Convert.FromBase64String(master), TimeSpan.FromMinutes(10));

        Assert.Equal(TimeSpan.FromMinutes(10), keys.Rotation);
        Assert.Equal(same.Key("news", 3), keys.Key("news", 3));
    }

    [Theory]
    [InlineData("Inspur:Protection:MasterKey", "not base64!", "not base64")]
    [InlineData("Inspur:Protection:MasterKey", "AAECAwQFBgc=", "at least 16 bytes")]
    [InlineData("Inspur:Protection:KeyRotation", "hourly", "not a time span")]
    [InlineData("Inspur:Protection:KeyRotation", "00:00:05", "between one minute and seven days")]
    public void A_protection_setting_that_cannot_work_is_a_clear_error(string key, string value, string says)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProtectionSettings.Read(InMemorySettings.Of((key, value)), Repo.TempDir("protection-bad"), NullLogger.Instance));

        Assert.Contains(says, error.Message);
    }

    [Fact]
    public void A_damaged_local_master_is_a_clear_error_and_is_not_replaced()
    {
        var dir = Repo.TempDir("protection-damaged");
        var file = Path.Combine(dir, "protection", ProtectionSettings.MasterFile);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, [1, 2, 3]);

        var error = Assert.Throws<InvalidOperationException>(() => ProtectionSettings.Read(InMemorySettings.Of(), dir, NullLogger.Instance));

        Assert.Contains("fewer than a master key needs", error.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(file));
    }
}
