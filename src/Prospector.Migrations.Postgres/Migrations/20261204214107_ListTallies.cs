using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ListTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ContactSourceListId",
                table: "Opportunities",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ListContactTallies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SourceListId = table.Column<long>(type: "bigint", nullable: false),
                    Stage = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Out = table.Column<bool>(type: "boolean", nullable: false),
                    OwnerId = table.Column<long>(type: "bigint", nullable: true),
                    TeamId = table.Column<long>(type: "bigint", nullable: true),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ListContactTallies", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_State_ContactSourceListId_DeletedAt_Currency_~",
                table: "Opportunities",
                columns: new[] { "State", "ContactSourceListId", "DeletedAt", "Currency", "Amount", "OwnerId", "TeamId", "ContactId" });

            migrationBuilder.CreateIndex(
                name: "IX_ListContactTallies_SourceListId_Stage_Out_OwnerId_TeamId_Co~",
                table: "ListContactTallies",
                columns: new[] { "SourceListId", "Stage", "Out", "OwnerId", "TeamId", "Count" });

            // Hand-written: the triggers that keep the new table and column and their first filling (see ListTalliesSql).
            foreach (var sql in ListTalliesSql.Up) migrationBuilder.Sql(sql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in ListTalliesSql.Down) migrationBuilder.Sql(sql);

            migrationBuilder.DropTable(
                name: "ListContactTallies");

            migrationBuilder.DropIndex(
                name: "IX_Opportunities_State_ContactSourceListId_DeletedAt_Currency_~",
                table: "Opportunities");

            migrationBuilder.DropColumn(
                name: "ContactSourceListId",
                table: "Opportunities");
        }
    }
}
