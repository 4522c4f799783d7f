package copilot

import (
	"context"
	"net/url"
	"time"

	"github.com/aisight/aisight/internal/restapi"
	"github.com/aisight/aisight/model"
)

// seat is one entry of GET /orgs/{org}/copilot/billing/seats.
type seat struct {
	CreatedAt               string  `json:"created_at"`
	PendingCancellationDate *string `json:"pending_cancellation_date"`
	LastActivityAt          *string `json:"last_activity_at"`
	LastActivityEditor      *string `json:"last_activity_editor"`
	PlanType                string  `json:"plan_type"`
	Assignee                *struct {
		Login string `json:"login"`
		Type  string `json:"type"`
	} `json:"assignee"`
	AssigningTeam *struct {
		Slug string `json:"slug"`
	} `json:"assigning_team"`
}

// seats lists the seat assignments (paged by the Link header): each seat
// is an identity with Copilot access, with its last activity; the
// organisation's asset gets how many were unused for 90 days.
func (s *scan) seats(ctx context.Context) error {
	path := "/orgs/" + url.PathEscape(s.org) + "/copilot/billing/seats"
	unused, total := 0, 0
	type page struct {
		TotalSeats int    `json:"total_seats"`
		Seats      []seat `json:"seats"`
	}
	err := restapi.Pages(ctx, s.c.c, path, url.Values{"per_page": {"100"}}, func(p page) error {
		for _, st := range p.Seats {
			a, ok := s.seatAsset(st)
			if !ok {
				continue
			}
			total++
			if d, ok := a.Fact("seat.last_activity_days"); ok && d.Value.(int64) > 90 {
				unused++
			}
			s.sink.Asset(a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	src := "github GET " + path
	s.sink.ScopeFact(model.Int("copilot.seats_listed", int64(total), model.Observed, src))
	s.sink.ScopeFact(model.Int("copilot.seats_unused_90d", int64(unused), model.Observed, src))
	return nil
}

// seatAsset maps a seat held by a user (a seat of a deleted user has no
// assignee and is skipped).
func (s *scan) seatAsset(st seat) (model.Asset, bool) {
	if st.Assignee == nil || st.Assignee.Login == "" {
		return model.Asset{}, false
	}
	src := "github GET /orgs/" + s.org + "/copilot/billing/seats"
	login := st.Assignee.Login
	a := model.Asset{ID: "github://orgs/" + s.org + "/copilot/seats/" + login, Provider: Provider, Scope: s.scope.ID, Kind: model.KindSeat,
		DeploymentType: model.APISaaS, Name: login, Owner: "github-user:" + login,
	}
	if t, err := time.Parse(time.RFC3339, st.CreatedAt); err == nil {
		a.Facts = append(a.Facts, model.Int("seat.age_days", days(s.now, t), model.Observed, src))
	}
	if st.LastActivityAt != nil {
		if t, err := time.Parse(time.RFC3339, *st.LastActivityAt); err == nil {
			a.Facts = append(a.Facts, model.Int("seat.last_activity_days", days(s.now, t), model.Observed, src))
		}
	} else if t, err := time.Parse(time.RFC3339, st.CreatedAt); err == nil {
		// Never used: unused since it was granted.
		a.Facts = append(a.Facts, model.Int("seat.last_activity_days", days(s.now, t), model.Observed, src+": never used"),
			model.Bool("seat.never_used", true, model.Observed, src))
	}
	if st.LastActivityEditor != nil && *st.LastActivityEditor != "" {
		a.Facts = append(a.Facts, model.String("seat.last_editor", *st.LastActivityEditor, model.Observed, src))
	}
	a.Facts = append(a.Facts, model.Bool("seat.pending_cancellation", st.PendingCancellationDate != nil, model.Observed, src))
	if st.AssigningTeam != nil && st.AssigningTeam.Slug != "" {
		a.Facts = append(a.Facts, model.String("seat.assigning_team", st.AssigningTeam.Slug, model.Observed, src))
	}
	return a, true
}
