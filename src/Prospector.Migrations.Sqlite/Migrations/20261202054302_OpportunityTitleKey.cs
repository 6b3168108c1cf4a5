using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OpportunityTitleKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TitleKey",
                table: "Opportunities",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_TitleKey_DeletedAt_OwnerId_TeamId",
                table: "Opportunities",
                columns: new[] { "TitleKey", "DeletedAt", "OwnerId", "TeamId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_TitleKey_DeletedAt_OwnerId_TeamId",
                table: "Opportunities");

            migrationBuilder.DropColumn(
                name: "TitleKey",
                table: "Opportunities");
        }
    }
}
