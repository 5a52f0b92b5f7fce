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
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length >= ContentKeys.MinMasterLength) return existing;
            throw new InvalidOperationException($"{path} holds {existing.Length} bytes, fewer than a master key needs ({ContentKeys.MinMasterLength}); remove it or configure {Section}:MasterKey");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var made = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, made);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path);
        log.LogWarning("No {Section}:MasterKey configured: made one in {Path}. Nodes of a cluster must share one master key; configure it.", Section, path);
        return made;
    }
}
