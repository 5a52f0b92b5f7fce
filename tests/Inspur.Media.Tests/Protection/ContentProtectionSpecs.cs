using System.Diagnostics;
using System.Security.Cryptography;
using Inspur.Media.Hls;
using Inspur.Media.Live;
using Inspur.Media.Protection;
using Inspur.Media.Segmenting;

namespace Inspur.Media.Tests.Protection;

/// <summary>AES-128 content keys and segment encryption, checked against OpenSSL and through a live rendition.</summary>
public sealed class ContentProtectionSpecs
{
    private static readonly byte[] Master = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    [Fact]
    public void Keys_are_the_same_for_the_same_master_content_and_epoch_and_differ_otherwise()
    {
        var keys = new ContentKeys(Master, TimeSpan.FromHours(1));
        var again = new ContentKeys(Master.ToArray(), TimeSpan.FromHours(1));
        var other = new ContentKeys(Master.Select(b => (byte)(b ^ 1)).ToArray(), TimeSpan.FromHours(1));

        Assert.Equal(16, keys.Key("news", 7).Length);
        Assert.Equal(keys.Key("news", 7), again.Key("news", 7));
        Assert.NotEqual(keys.Key("news", 7), keys.Key("news", 8));
        Assert.NotEqual(keys.Key("news", 7), keys.Key("sport", 7));
        Assert.NotEqual(keys.Key("news", 7), other.Key("news", 7));
    }

    [Fact]
    public void Epochs_follow_the_rotation()
    {
        var keys = new ContentKeys(Master, TimeSpan.FromMinutes(10));
        var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(keys.Epoch(at), keys.Epoch(at.AddMinutes(9.99)));
        Assert.Equal(keys.Epoch(at) + 1, keys.Epoch(at.AddMinutes(10)));
        Assert.Equal(at, keys.EpochStart(keys.Epoch(at)));
    }

    [Theory]
    [InlineData(15, 3600)]
    [InlineData(32, 30)]
    [InlineData(32, 8 * 24 * 3600)]
    public void A_short_master_or_an_absurd_rotation_is_refused(int masterLength, int rotationSeconds)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ContentKeys(new byte[masterLength], TimeSpan.FromSeconds(rotationSeconds)));
    }

    [Fact]
    public async Task Encryption_matches_openssl_aes_128_cbc_with_the_sequence_number_as_iv()
    {
        var key = new ContentKeys(Master, TimeSpan.FromHours(1)).Key("news", 1);
        var plain = RandomNumberGenerator.GetBytes(188 * 7 + 5);
        const long sequence = 4242;
        var iv = SegmentCipher.SequenceIv(sequence);
        Assert.Equal("00000000000000000000000000001092", Convert.ToHexStringLower(iv));

        var ours = SegmentCipher.Encrypt(plain, key, iv);

        var dir = Directory.CreateTempSubdirectory("aes").FullName;
        try
        {
            var input = Path.Combine(dir, "plain.ts");
            var output = Path.Combine(dir, "openssl.bin");
            await File.WriteAllBytesAsync(input, plain);
            using var openssl = Process.Start(new ProcessStartInfo("openssl",
                ["enc", "-aes-128-cbc", "-K", Convert.ToHexStringLower(key), "-iv", Convert.ToHexStringLower(iv), "-in", input, "-out", output])
            { RedirectStandardError = true })!;
            var error = await openssl.StandardError.ReadToEndAsync();
            await openssl.WaitForExitAsync();
            Assert.True(openssl.ExitCode == 0, error);
            Assert.Equal(await File.ReadAllBytesAsync(output), ours);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        Assert.Equal(plain, SegmentCipher.Decrypt(ours, key, iv));
        Assert.ThrowsAny<CryptographicException>(() => SegmentCipher.Decrypt(ours, new ContentKeys(Master, TimeSpan.FromHours(1)).Key("news", 2), iv));
    }

    [Fact]
    public void A_key_of_the_wrong_length_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SegmentCipher.Encrypt(new byte[16], new byte[15], new byte[16]));
    }

    [Fact]
    public void An_encrypted_rendition_stores_ciphertext_and_names_each_key_period_in_its_playlist()
    {
        var keys = new ContentKeys(Master, TimeSpan.FromMinutes(1));
        var rendition = new LiveRendition("main", TimeSpan.FromSeconds(2), null, TimeSpan.FromSeconds(60), new LiveEncryption(keys, "news"));
        var start = new DateTimeOffset(2026, 12, 1, 10, 0, 56, TimeSpan.Zero);
        var plain = new Dictionary<long, byte[]>();
        for (var seq = 0L; seq < 4; seq++)
        {
            var bytes = RandomNumberGenerator.GetBytes(188 * 10);
            bytes[0] = 0x47;
            plain[seq] = bytes;
            rendition.OnSegment(new SegmentInfo(seq, seq * 180_000, start.AddSeconds(2 * seq), TimeSpan.FromSeconds(2), bytes.Length, false, 0), bytes);
        }

        var playlist = PlaylistParser.ParseMedia(rendition.Playlist());
        var first = keys.Epoch(start);
        Assert.Equal([LiveEncryption.KeyUri(first), LiveEncryption.KeyUri(first), LiveEncryption.KeyUri(first + 1), LiveEncryption.KeyUri(first + 1)],
            playlist.Segments.Select(s => s.Key?.Uri));
        Assert.Equal(2, rendition.Playlist().Split('\n').Count(l => l.StartsWith("#EXT-X-KEY:METHOD=AES-128,URI=\"../keys/", StringComparison.Ordinal)));
        for (var seq = 0L; seq < 4; seq++)
        {
            Assert.True(rendition.TryGetSegment(seq, out var stored));
            Assert.NotEqual(plain[seq], stored.Take(plain[seq].Length));
            var epoch = long.Parse(playlist.Segments[(int)seq].Key!.Uri["../keys/".Length..^".key".Length]);
            Assert.Equal(plain[seq], SegmentCipher.Decrypt(stored, keys.Key("news", epoch), SegmentCipher.SequenceIv(seq)));
        }
    }

    [Fact]
    public void A_clear_rendition_has_no_key_tags()
    {
        var rendition = new LiveRendition("main", TimeSpan.FromSeconds(2), null);
        rendition.OnSegment(new SegmentInfo(0, 0, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(2), 188, false, 0), new byte[188]);
        Assert.DoesNotContain("#EXT-X-KEY", rendition.Playlist());
    }

    [Fact]
    public void Encryption_with_ll_hls_parts_is_refused()
    {
        var keys = new ContentKeys(Master, TimeSpan.FromHours(1));
        Assert.Throws<ArgumentException>(() =>
            new LiveRendition("main", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(400), encryption: new LiveEncryption(keys, "news")));
    }
}
