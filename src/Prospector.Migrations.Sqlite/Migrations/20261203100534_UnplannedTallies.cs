using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class UnplannedTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "OpenActionCount",
                table: "Opportunities",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "OpenActionCount",
                table: "Contacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "OpenDealCount",
                table: "Contacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "UnplannedTallies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OwnerId = table.Column<long>(type: "INTEGER", nullable: true),
                    TeamId = table.Column<long>(type: "INTEGER", nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UnplannedTallies", x => x.Id);
                });

            // Hand-written: the unique key, the counters' first values, the first tallies and the triggers that keep them
            // (see UnplannedTalliesSql, decisions/0026).
            foreach (var sql in UnplannedTalliesSql.Up) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in UnplannedTalliesSql.Down) migrationBuilder.Sql(sql);

            migrationBuilder.DropTable(
                name: "UnplannedTallies");

            migrationBuilder.DropColumn(
                name: "OpenActionCount",
                table: "Opportunities");

            migrationBuilder.DropColumn(
                name: "OpenActionCount",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "OpenDealCount",
                table: "Contacts");

            // SQLite drops a column by rebuilding the table, which drops its triggers: back as the earlier migrations made them.
            foreach (var sql in DealTotalsSql.Up) migrationBuilder.Sql(sql);
            foreach (var sql in ConversationTalliesSql.Up) migrationBuilder.Sql(sql);
        }
    }
}
