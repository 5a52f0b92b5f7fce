using Npgsql;

namespace Inspur.Testing;

/// <summary>
/// A throwaway PostgreSQL database per test, created on the server named by <c>INSPUR_TEST_POSTGRES</c>
/// (the README's test command starts one) and dropped afterwards.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string Variable = "INSPUR_TEST_POSTGRES";

    private readonly string _admin;
    private readonly string _name;

    private PostgresDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"PostgreSQL specs need a server: set {Variable} to a connection string (user with CREATEDB), or run the README's test command (./build.sh test), which starts one.");

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var admin = ServerConnectionString;
        var name = $"t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new PostgresDatabase(admin, name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
