using Messenger.Homeserver.Storage;
using Npgsql;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary>
/// Automatic statement preparation is on and the reset of pooled connections off for PostgreSQL, unless the configured
/// connection string decides.
/// </summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void Preparation_is_added_when_the_string_does_not_set_it()
    {
        var built = new NpgsqlConnectionStringBuilder(StorageSetup.PostgresConnectionString("Host=db;Database=messenger;Username=m;Password=p"));
        Assert.Equal(200, built.MaxAutoPrepare);
        Assert.Equal(2, built.AutoPrepareMinUsages);
        Assert.True(built.NoResetOnClose);
        Assert.Equal("db", built.Host);
        Assert.Equal("p", built.Password);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false")]
    [InlineData("Host=db;NoResetOnClose=false")]
    public void A_reset_the_operator_asked_for_stays(string configured)
    {
        Assert.False(new NpgsqlConnectionStringBuilder(StorageSetup.PostgresConnectionString(configured)).NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0")]
    [InlineData("Host=db;MaxAutoPrepare=0;Auto Prepare Min Usages=5")]
    public void What_the_operator_set_stays(string configured)
    {
        var built = new NpgsqlConnectionStringBuilder(StorageSetup.PostgresConnectionString(configured));
        Assert.Equal(0, built.MaxAutoPrepare);
        Assert.Equal(configured.Contains("Min Usages", StringComparison.Ordinal) ? 5 : 2, built.AutoPrepareMinUsages);
    }
}
