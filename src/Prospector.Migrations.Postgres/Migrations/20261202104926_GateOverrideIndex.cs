using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class GateOverrideIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_ById",
                table: "LifecycleEvents",
                columns: new[] { "Kind", "At", "ContactId", "ById" },
                filter: "\"Override\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LifecycleEvents_Kind_At_ContactId_ById",
                table: "LifecycleEvents");
        }
    }
}
