using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ListsReportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Contacts_SourceListId",
                table: "Contacts");

            migrationBuilder.CreateIndex(
                name: "IX_Opportunities_State_ContactId_Currency_Amount_DeletedAt_OwnerId_TeamId",
                table: "Opportunities",
                columns: new[] { "State", "ContactId", "Currency", "Amount", "DeletedAt", "OwnerId", "TeamId" });

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_SourceListId_Stage_LeadStatus_DeletedAt_OwnerId_TeamId",
                table: "Contacts",
                columns: new[] { "SourceListId", "Stage", "LeadStatus", "DeletedAt", "OwnerId", "TeamId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Opportunities_State_ContactId_Currency_Amount_DeletedAt_OwnerId_TeamId",
                table: "Opportunities");

            migrationBuilder.DropIndex(
                name: "IX_Contacts_SourceListId_Stage_LeadStatus_DeletedAt_OwnerId_TeamId",
                table: "Contacts");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_SourceListId",
                table: "Contacts",
                column: "SourceListId");
        }
    }
}
