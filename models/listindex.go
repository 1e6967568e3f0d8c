package models

import "context"

// listIndexes back every sort of the client list, alone and within a stage
// filter, with the id last (PostgreSQL's indexes do not carry it by
// themselves as SQLite's do): a page's OFFSET then walks one index, ids
// only, and just the page's rows are read (Clients). GORM's tags cannot
// express LOWER(name), so these are plain SQL, valid on both databases.
// They replace two indexes the tags made without the id.
var listIndexes = []string{
	"DROP INDEX IF EXISTS idx_clients_org_stage",
	"DROP INDEX IF EXISTS idx_clients_org_change",
	"CREATE INDEX IF NOT EXISTS idx_clients_org_lname ON clients (organisation_id, LOWER(name), id)",
	// "Needs attention" by waiting reads its stage and parked reason here too.
	"CREATE INDEX IF NOT EXISTS idx_clients_org_waiting ON clients (organisation_id, stage_since, id, stage, parked_reason)",
	"CREATE INDEX IF NOT EXISTS idx_clients_org_change_id ON clients (organisation_id, last_change_at, id)",
	// Also the stage counts' index: one range per stage and threshold.
	"CREATE INDEX IF NOT EXISTS idx_clients_org_stage_id ON clients (organisation_id, stage, stage_since, id)",
	"CREATE INDEX IF NOT EXISTS idx_clients_org_stage_change ON clients (organisation_id, stage, last_change_at, id)",
	"CREATE INDEX IF NOT EXISTS idx_clients_org_stage_lname ON clients (organisation_id, stage, LOWER(name), id)",
}

func (s *Store) migrateListIndexes(ctx context.Context) error {
	for _, stmt := range listIndexes {
		if err := s.db.WithContext(ctx).Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}
