using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Inspur.Media.Protection;

/// <summary>
/// HLS AES-128 (RFC 8216 §4.3.2.4, §5.2): a whole segment encrypted with AES-128-CBC and PKCS7 padding. Without an IV
/// attribute the IV is the segment's media sequence number, big-endian in 16 bytes.
/// </summary>
public static class SegmentCipher
{
    public const int IvLength = 16;

    public static byte[] SequenceIv(long sequence) => Iv(sequence);

    /// <summary>An IV holding <paramref name="value"/> big-endian in its last eight bytes (e.g. an archived segment's start in Unix ms).</summary>
    public static byte[] Iv(long value)
    {
        var iv = new byte[IvLength];
        BinaryPrimitives.WriteInt64BigEndian(iv.AsSpan(8), value);
        return iv;
    }

    public static byte[] Encrypt(ReadOnlySpan<byte> plain, byte[] key, ReadOnlySpan<byte> iv)
    {
        using var aes = Create(key);
        return aes.EncryptCbc(plain, iv, PaddingMode.PKCS7);
    }

    /// <summary>Decrypts what <see cref="Encrypt"/> made; a wrong key or damaged bytes throw <see cref="CryptographicException"/>.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> cipher, byte[] key, ReadOnlySpan<byte> iv)
    {
        using var aes = Create(key);
        return aes.DecryptCbc(cipher, iv, PaddingMode.PKCS7);
    }

    private static Aes Create(byte[] key)
    {
        if (key.Length != ContentKeys.KeyLength) throw new ArgumentException($"an AES-128 key is {ContentKeys.KeyLength} bytes, not {key.Length}", nameof(key));
        var aes = Aes.Create();
        aes.Key = key;
        return aes;
    }
}
