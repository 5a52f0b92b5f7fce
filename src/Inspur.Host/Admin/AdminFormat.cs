using System.Globalization;

namespace Inspur.Host.Admin;

/// <summary>How the admin writes rates, times and ages, so every page reads the same way.</summary>
public static class AdminFormat
{
    public static string Kbps(long kbps) => kbps >= 10_000
        ? (kbps / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " Mb/s"
        : kbps.ToString(CultureInfo.InvariantCulture) + " kb/s";

    public static string Bitrate(long bitsPerSecond) => Kbps((bitsPerSecond + 500) / 1000);

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "—";

    public static string Stamp(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "—";

    /// <summary>Bytes in binary units: <c>512 B</c>, <c>3.4 MiB</c>, <c>1.2 GiB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes.ToString(CultureInfo.InvariantCulture)} B" : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary>A span coarsely: <c>42 s</c>, <c>5 min 3 s</c>, <c>2 h 5 min</c>.</summary>
    public static string Span(TimeSpan span) =>
        span.TotalSeconds < 90 ? $"{(int)span.TotalSeconds} s"
        : span.TotalMinutes < 90 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
        : $"{(int)span.TotalHours} h {span.Minutes} min";

    /// <summary>How long ago, coarsely: <c>4 s</c>, <c>3 min</c>, <c>2 h 5 min</c>, <c>3 d</c>.</summary>
    public static string Age(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } t) return "never";
        var age = now - t;
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        return age.TotalSeconds < 90 ? $"{(int)age.TotalSeconds} s"
            : age.TotalMinutes < 90 ? $"{(int)age.TotalMinutes} min"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} h {age.Minutes} min"
            : $"{(int)age.TotalDays} d";
    }
}
