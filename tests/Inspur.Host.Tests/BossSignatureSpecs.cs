using Inspur.Host.Boss;

namespace Inspur.Host.Tests;

/// <summary>The signature recipe against vectors computed independently (Python's hmac), the ones the README gives integrators.</summary>
public sealed class BossSignatureSpecs
{
    [Fact]
    public void A_post_with_a_body_signs_as_the_readme_says()
    {
        var body = """{"id":"acc-1001","name":"Li Lei"}"""u8;

        Assert.Equal("POST\n/api/boss/v1/subscribers\n1764583200\n77f7a83f518a87931f62528dd61532e39a3c4dce9c22ee87c691ca5c9890471a",
            BossSignature.StringToSign("post", "/api/boss/v1/subscribers", "1764583200", body));
        Assert.Equal("dee9ed50f0668922b6ba12c7f2325b2aaa1109b855320a6878dd0c3ea16e7a64",
            BossSignature.Compute("secret-1", "POST", "/api/boss/v1/subscribers", "1764583200", body));
    }

    [Fact]
    public void A_get_signs_its_query_and_the_hash_of_nothing()
    {
        Assert.Equal("2c82499f5a0856f568c7d42e14485f03a74ae08b9de1b6797d4811539700e4d1",
            BossSignature.Compute("secret-1", "GET", "/api/boss/v1/subscribers?q=li", "1764583200", []));
        Assert.True(BossSignature.Matches("secret-1", "GET", "/api/boss/v1/subscribers?q=li", "1764583200", [],
            "2c82499f5a0856f568c7d42e14485f03a74ae08b9de1b6797d4811539700e4d1"));
        Assert.False(BossSignature.Matches("secret-1", "GET", "/api/boss/v1/subscribers?q=lu", "1764583200", [],
            "2c82499f5a0856f568c7d42e14485f03a74ae08b9de1b6797d4811539700e4d1"));
    }
}
