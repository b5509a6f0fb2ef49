"""Registration pages arrive with the registration issue; invitations only need the records."""
