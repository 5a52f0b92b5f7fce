using System.Security.Cryptography;
using System.Text;

namespace Inspur.Media.Protection;

/// <summary>
/// AES-128 content keys derived from one master secret: the key of a content item (a channel) for a key period
/// (an epoch of <see cref="Rotation"/>) is HMAC-SHA256(master, "inspur-aes-128", content, epoch) cut to 16 bytes.
/// Every node holding the master computes the same keys, so no key is stored, replicated or asked for per request,
/// and keys rotate by themselves as epochs pass.
/// </summary>
public sealed class ContentKeys
{
    public const int KeyLength = 16;
    public const int MinMasterLength = 16;

    private readonly byte[] _master;

    public ContentKeys(byte[] master, TimeSpan rotation)
    {
        ArgumentNullException.ThrowIfNull(master);
        if (master.Length < MinMasterLength)
            throw new ArgumentException($"the master secret must be at least {MinMasterLength} bytes, not {master.Length}", nameof(master));
        if (rotation < TimeSpan.FromMinutes(1) || rotation > TimeSpan.FromDays(7))
            throw new ArgumentOutOfRangeException(nameof(rotation), rotation, "key rotation must be between one minute and seven days");
        _master = master.ToArray();
        Rotation = rotation;
    }

    /// <summary>How long one key is used before the next takes over.</summary>
    public TimeSpan Rotation { get; }

    /// <summary>The key period <paramref name="at"/> falls in.</summary>
    public long Epoch(DateTimeOffset at) => (long)Math.Floor(at.ToUnixTimeMilliseconds() / Rotation.TotalMilliseconds);

    public DateTimeOffset EpochStart(long epoch) => DateTimeOffset.FromUnixTimeMilliseconds((long)(epoch * Rotation.TotalMilliseconds));

    /// <summary>The 16-byte key of <paramref name="content"/> in <paramref name="epoch"/>.</summary>
    public byte[] Key(string content, long epoch)
    {
        ArgumentException.ThrowIfNullOrEmpty(content);
        var label = Encoding.UTF8.GetBytes($"inspur-aes-128\n{content}\n{epoch}");
        return HMACSHA256.HashData(_master, label)[..KeyLength];
    }
}
