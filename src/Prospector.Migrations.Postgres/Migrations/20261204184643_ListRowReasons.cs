using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ListRowReasons : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ListRows_ListId_State",
                table: "ListRows");

            migrationBuilder.CreateIndex(
                name: "IX_ListRows_ListId_State_CancelReason",
                table: "ListRows",
                columns: new[] { "ListId", "State", "CancelReason" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ListRows_ListId_State_CancelReason",
                table: "ListRows");

            migrationBuilder.CreateIndex(
                name: "IX_ListRows_ListId_State",
                table: "ListRows",
                columns: new[] { "ListId", "State" });
        }
    }
}
