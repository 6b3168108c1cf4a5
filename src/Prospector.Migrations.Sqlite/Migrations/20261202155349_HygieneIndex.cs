using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class HygieneIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Contacts_OwnerId_Stage_LeadStatus_TeamId_DeletedAt",
                table: "Contacts",
                columns: new[] { "OwnerId", "Stage", "LeadStatus", "TeamId", "DeletedAt" },
                filter: "\"DeletedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Contacts_OwnerId_Stage_LeadStatus_TeamId_DeletedAt",
                table: "Contacts");
        }
    }
}
