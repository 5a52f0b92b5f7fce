using Inspur.Domain.Ops;
using Inspur.Testing;

namespace Inspur.Cmd.Tests;

/// <summary>Parsing pbm's <c>host:port</c> target and reading <c>petabridge.cmd.hocon</c>, without any process.</summary>
public sealed class OpsEndpointAddressSpecs : IDisposable
{
    private readonly string _dir = Repo.TempDir("inspur-pbm-address");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("127.0.0.1:9110", "127.0.0.1", 9110, "127.0.0.1:9110")]
    [InlineData("localhost:1", "localhost", 1, "localhost:1")]
    [InlineData("ops.example.com:65535", "ops.example.com", 65535, "ops.example.com:65535")]
    [InlineData("[::1]:9110", "::1", 9110, "[::1]:9110")]
    [InlineData("[fe80::1]:4000", "fe80::1", 4000, "[fe80::1]:4000")]
    public void TryParse_accepts_host_and_port(string text, string host, int port, string printed)
    {
        Assert.True(OpsEndpointAddress.TryParse(text, out var address));
        Assert.Equal(new OpsEndpointAddress(host, port), address);
        Assert.Equal(printed, address.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1:99999999999")]
    [InlineData("127.0.0.1:port")]
    [InlineData("127.0.0.1:9110x")]
    public void TryParse_rejects_bad_ports(string text)
    {
        Assert.False(OpsEndpointAddress.TryParse(text, out var address));
        Assert.Equal(OpsEndpointAddress.Default, address);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1")]
    [InlineData("9110")]
    [InlineData(":9110")]
    [InlineData("127.0.0.1:")]
    [InlineData("[]:9110")]
    [InlineData("[::1]")]
    [InlineData("::1:9110")]
    [InlineData("cluster")]
    [InlineData("akka.tcp://inspur@127.0.0.1:4053")]
    public void TryParse_rejects_missing_or_ambiguous_parts(string text)
    {
        Assert.False(OpsEndpointAddress.TryParse(text, out _));
    }

    [Fact]
    public void FromFile_gives_the_default_when_the_file_is_missing()
    {
        Assert.Equal(OpsEndpointAddress.Default, OpsEndpointAddress.FromFile(Path.Combine(_dir, "petabridge.cmd.hocon")));
        Assert.Equal(new OpsEndpointAddress("127.0.0.1", 9110), OpsEndpointAddress.Default);
    }

    [Fact]
    public void FromFile_reads_host_and_port()
    {
        var file = Write("""
            # ops endpoint
            petabridge.cmd {
              host = "10.1.2.3"
              port = 9333
              palettes = ["cluster", "cluster-sharding"]
            }
            """);

        Assert.Equal(new OpsEndpointAddress("10.1.2.3", 9333), OpsEndpointAddress.FromFile(file));
    }

    [Fact]
    public void FromFile_defaults_each_missing_value()
    {
        Assert.Equal(new OpsEndpointAddress("127.0.0.1", 9444), OpsEndpointAddress.FromFile(Write("petabridge.cmd.port = 9444")));
        Assert.Equal(new OpsEndpointAddress("ops-host", 9110), OpsEndpointAddress.FromFile(Write("petabridge.cmd.host = ops-host")));
        Assert.Equal(OpsEndpointAddress.Default, OpsEndpointAddress.FromFile(Write("something.else = 1")));
    }

    [Fact]
    public void FromFile_reads_the_repository_default_file()
    {
        Assert.Equal(OpsEndpointAddress.Default, OpsEndpointAddress.FromFile(Path.Combine(Repo.Root, "petabridge.cmd.hocon")));
    }

    [Theory]
    [InlineData("petabridge.cmd { port = ")]
    [InlineData("petabridge.cmd.port = notaport")]
    public void FromFile_names_the_file_when_it_is_malformed(string content)
    {
        var file = Write(content);

        var error = Assert.Throws<FormatException>(() => OpsEndpointAddress.FromFile(file));
        Assert.Contains(file, error.Message);
    }

    private string Write(string content)
    {
        var file = Path.Combine(_dir, $"{Guid.NewGuid():N}.hocon");
        File.WriteAllText(file, content);
        return file;
    }
}
