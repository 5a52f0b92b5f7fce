using Microsoft.Extensions.Configuration;

namespace Inspur.Host.Tests;

/// <summary>Configuration made of the given key/value pairs only, for the specs that read a settings section.</summary>
public static class InMemorySettings
{
    public static IConfiguration Of(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();
}
