package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"wabadesk/models"
	"wabadesk/views"
)

type inviteForm struct {
	Email string `form:"email"`
	Role  string `form:"role"`
}

// listStaff shows members, pending invites and (for admins) the invite form.
func (h *Handler) listStaff(c echo.Context) error {
	return h.renderStaff(c, http.StatusOK, views.Form{Values: map[string]string{"role": string(models.RoleAgent)}})
}

func (h *Handler) renderStaff(c echo.Context, status int, form views.Form) error {
	ctx, u := c.Request().Context(), currentUser(c)
	staff, err := h.store.Staff(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	invites, err := h.store.PendingInvites(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	v := views.StaffView{Form: form, CanInvite: u.Role.AtLeast(models.RoleAdmin)}
	for _, s := range staff {
		v.Staff = append(v.Staff, views.StaffRow{
			ID: s.ID, Name: s.Name, Email: s.Email, Role: s.Role.Label(), LastLogin: when(s.LastLoginAt),
			Removable: u.Role == models.RoleOwner && s.ID != u.ID, // the route table lets only owners remove staff
		})
	}
	ids := make([]int64, len(invites))
	for n, i := range invites {
		ids[n] = i.ID
	}
	mails, err := h.store.LatestMails(c.Request().Context(), u.OrganisationID, ids)
	if err != nil {
		return err
	}
	for _, i := range invites {
		row := views.InviteRow{ID: i.ID, Email: i.Email, Role: i.Role.Label(), InvitedBy: i.InvitedBy.Name, Expires: i.ExpiresAt.Format("2 Jan 2006")}
		if m, ok := mails[i.ID]; ok {
			row.Mail = strings.ToLower(mailStates[m.State].label)
			if m.LastError != "" && !m.Delivered() {
				row.Mail += " (" + m.LastError + ")"
			}
			row.MailBad = m.State == models.MailBounced || m.State == models.MailFailed
		}
		v.Invites = append(v.Invites, row)
	}
	for _, r := range models.Roles {
		if r != models.RoleOwner || u.Role == models.RoleOwner {
			v.Roles = append(v.Roles, views.Option{Value: string(r), Label: r.Label()})
		}
	}
	p := h.page(c, "Staff", "staff")
	for i, f := range p.Flashes { // the fresh invite link travels as a flash, shown once
		if f.Kind == "invite" {
			v.NewLink = f.Message
			p.Flashes = append(p.Flashes[:i], p.Flashes[i+1:]...)
			break
		}
	}
	return render(c, status, views.StaffPage(p, v))
}

func (h *Handler) createInvite(c echo.Context) error {
	var f inviteForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	u := currentUser(c)
	// The answer says whether an e-mail has an account anywhere.
	if ok, err := h.allow(c.Request().Context(), invitesPerIP, c.RealIP()); err != nil || !ok {
		if err != nil {
			return err
		}
		return h.renderStaff(c, http.StatusTooManyRequests, formOf(&f, map[string]string{"": "Too many invites from your network. Wait an hour and try again."}))
	}
	inv, token, err := h.store.CreateInvite(c.Request().Context(), u.OrganisationID, *u,
		models.NewInvite{Email: f.Email, Role: models.Role(f.Role)})
	if v, ok := models.AsValidation(err); ok {
		return h.renderStaff(c, http.StatusUnprocessableEntity, formOf(&f, v))
	}
	if err != nil {
		return err
	}
	auditDetail(c, inv.Email+" as "+inv.Role.Label())
	h.cfg.Mail.Kick()
	h.flash(c, "success", "Invite e-mailed to "+inv.Email+" as "+inv.Role.Label()+". The link is below too, to copy.")
	h.flash(c, "invite", h.link("/invites/"+token))
	return redirect(c, "/staff")
}

func (h *Handler) deleteInvite(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	inv, err := h.store.RevokeInvite(c.Request().Context(), currentUser(c).OrganisationID, id)
	if err != nil {
		return err
	}
	auditDetail(c, inv.Email)
	h.flash(c, "success", "The invite for "+inv.Email+" was revoked; its link no longer works.")
	return redirect(c, "/staff")
}

func (h *Handler) deleteStaff(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	removed, err := h.store.RemoveStaff(c.Request().Context(), u.OrganisationID, *u, id)
	if err != nil {
		return err
	}
	auditDetail(c, removed.Name+" <"+removed.Email+">, "+removed.Role.Label())
	h.flash(c, "success", removed.Name+" was removed and logged out.")
	return redirect(c, "/staff")
}

// pathID reads the :id parameter; anything but a positive number is "not found".
func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}
