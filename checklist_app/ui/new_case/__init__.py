"""The new-case wizard, one file per part: `common` (data, constants, helpers), `pages` (referral, child,
case facts, people), `summary` (the last page and the step list) and `wizard` (the dialog that holds them).

The names other modules use are re-exported here so `from checklist_app.ui.new_case import NewCaseWizard`
keeps working.
"""

from checklist_app.ui.new_case.common import LONDON, PROCEDURE_ID, WizardData, from_utc, load_wizard_data, to_utc
from checklist_app.ui.new_case.wizard import NewCaseWizard

__all__ = ["LONDON", "PROCEDURE_ID", "NewCaseWizard", "WizardData", "from_utc", "load_wizard_data", "to_utc"]
