using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TeamArchivedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "Teams",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "Teams");
        }
    }
}
