using Inspur.Media.Protection;

namespace Inspur.Host.Protection;

/// <summary>
/// Where encrypted channels' AES-128 keys come from: <c>Inspur:Protection:MasterKey</c> (base64, at least 16 bytes;
/// every node of a cluster must have the same) and <c>Inspur:Protection:KeyRotation</c> (default one hour). Without a
/// configured master a node makes one in <c>{DataDir}/protection/master.key</c> and keeps it across restarts, which is
/// right for a single node only.
/// </summary>
public static class ProtectionSettings
{
    public const string Section = "Inspur:Protection";
    public const string MasterFile = "master.key";
    public static readonly TimeSpan DefaultRotation = TimeSpan.FromHours(1);

    public static ContentKeys Read(IConfiguration configuration, string dataDir, ILogger log)
    {
        var section = configuration.GetSection(Section);
        var rotation = DefaultRotation;
        if (section["KeyRotation"] is { Length: > 0 } text && (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out rotation)))
            throw new InvalidOperationException($"{Section}:KeyRotation: '{text}' is not a time span like 01:00:00");

        byte[] master;
        if (section["MasterKey"] is { Length: > 0 } configured)
        {
            try
            {
                master = Convert.FromBase64String(configured);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{Section}:MasterKey is not base64");
            }

            if (master.Length < ContentKeys.MinMasterLength)
                throw new InvalidOperationException($"{Section}:MasterKey must decode to at least {ContentKeys.MinMasterLength} bytes, not {master.Length}");
        }
        else
        {
            master = LocalMaster(Path.Combine(dataDir, "protection", MasterFile), log);
        }

        try
        {
            return new ContentKeys(master, rotation);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidOperationException($"{Section}:KeyRotation: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    private static byte[] LocalMaster(string path, ILogger log)
    {
        if (File.Exists(path)) return ExistingMaster(path);

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var made = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            // CreateNew is the kernel's exclusive create: of nodes started together on one data folder, one makes it.
            using var file = new FileStream(path, options);
            file.Write(made);
            file.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            return ExistingMaster(path);
        }

        log.LogWarning("No {Section}:MasterKey configured: made one in {Path}. Nodes of a cluster must share one master key; configure it.", Section, path);
        return made;
    }

    /// <summary>
    /// Reads the master in the data folder. While it is locked or still empty, another node is making it (a write of
    /// 32 bytes that completes at once), so that is waited for, at most 10 s; a file that is short is damaged.
    /// </summary>
    private static byte[] ExistingMaster(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        byte[] existing;
        while (true)
        {
            try
            {
                existing = File.ReadAllBytes(path);
                if (existing.Length > 0 || DateTime.UtcNow > deadline) break;
            }
            catch (IOException) when (File.Exists(path) && DateTime.UtcNow <= deadline)
            {
                // held by the node making it
            }

            Thread.Sleep(10);
        }

        if (existing.Length >= ContentKeys.MinMasterLength) return existing;
        throw new InvalidOperationException($"{path} holds {existing.Length} bytes, fewer than a master key needs ({ContentKeys.MinMasterLength}); remove it or configure {Section}:MasterKey");
    }
}
