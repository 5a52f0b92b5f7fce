using Inspur.Media.Segmenting;
using Inspur.Media.Ts;
using SharpFuzz;

// Coverage-guided fuzzing of the segmenter under AFL++ (see run.sh), or replay of saved inputs:
//   SegmenterFuzz                 run under afl-fuzz (input on stdin, via SharpFuzz's out-of-process protocol)
//   SegmenterFuzz replay <dir>    run every file of <dir> once and report any exception (regression check of findings)
if (args is ["replay", var dir])
{
    var failures = 0;
    foreach (var file in Directory.EnumerateFiles(dir))
    {
        try
        {
            Harness.Run(File.ReadAllBytes(file));
        }
        catch (Exception ex)
        {
            failures++;
            Console.Error.WriteLine($"{file}: {ex}");
        }
    }

    Console.WriteLine($"replayed {Directory.EnumerateFiles(dir).Count()} inputs, {failures} failed");
    return failures == 0 ? 0 : 1;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    Harness.Run(memory.ToArray());
});
return 0;

/// <summary>One fuzz case: segment the input in uneven chunks and check what every published segment must be.</summary>
internal static class Harness
{
    public static void Run(byte[] input)
    {
        var sink = new CheckingSink();
        using var segmenter = new Segmenter(new SegmenterOptions
        {
            TargetDuration = TimeSpan.FromSeconds(1),
            PartTarget = input.Length % 2 == 0 ? TimeSpan.FromMilliseconds(400) : null,
        }, sink);
        var chunk = 1 + input.Length % 997;
        for (var i = 0; i < input.Length; i += chunk) segmenter.Push(input.AsSpan(i, Math.Min(chunk, input.Length - i)));
        segmenter.Complete();
    }

    private sealed class CheckingSink : ISegmentSink
    {
        public void OnPart(PartInfo part, ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length == 0 || bytes.Length % TsConstants.PacketSize != 0) throw new InvalidOperationException($"part of {bytes.Length} bytes");
        }

        public void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length % TsConstants.PacketSize != 0 || bytes.Length < 3 * TsConstants.PacketSize)
                throw new InvalidOperationException($"segment of {bytes.Length} bytes");
            if (TsPacketHeader.ReadPid(bytes) != TsConstants.PatPid) throw new InvalidOperationException("segment does not start with a PAT");
            if (segment.Duration <= TimeSpan.Zero) throw new InvalidOperationException($"segment duration {segment.Duration}");
        }
    }
}
