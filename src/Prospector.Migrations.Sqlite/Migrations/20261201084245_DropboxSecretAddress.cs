using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DropboxSecretAddress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DropboxToken",
                table: "WorkspaceSettings",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Problem",
                table: "DropboxMessages",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.UpdateData(
                table: "WorkspaceSettings",
                keyColumn: "Id",
                keyValue: 1,
                column: "DropboxToken",
                value: null);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DropboxToken",
                table: "WorkspaceSettings");

            migrationBuilder.DropColumn(
                name: "Problem",
                table: "DropboxMessages");
        }
    }
}
