using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Prospector.Data;

namespace Prospector.Migrations.Postgres;

/// <summary>Lets `dotnet ef migrations add` build the model for PostgreSQL without a server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ProspectorDb>
{
    public ProspectorDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ProspectorDb>()
            .UseNpgsql("Host=localhost;Database=prospector", o => o.MigrationsAssembly(typeof(DesignTimeFactory).Assembly.GetName().Name))
            .Options);
}
