"""What the demo's synthetic cases are made of: how often each fact holds, and the texts the simulated
officers write (reasons, decisions, intelligence). All invented; no real names."""

from __future__ import annotations

from datetime import timedelta

from checklist_app.core.wording import REFERRAL_SOURCES

H = timedelta(hours=1)
D = timedelta(days=1)

CASE_FACTS = {
    "looked_after": 0.3,
    "disability": 0.12,
    "complex": 0.22,
    "major_investigation": 0.04,
    "multiple_victims": 0.15,
    "suspect_identified": 0.65,
    "police_protection_used": 0.08,
    "s47_enquiry": 0.55,
    "child_protection_plan": 0.35,
    "serious_safeguarding_case": 0.03,
    # Facts of procedure 1.1 (ignored for cases on 1.0, which does not declare them).
    "in_care_or_protection": 0.12,
    "trafficking_indicators": 0.12,
    "online_abuse": 0.35,
    "recent_abuse": 0.25,
    "parent_implicated": 0.08,
    "victim_device_relevant": 0.5,
    "suspect_devices": 0.55,
    "placed_out_of_area": 0.1,
    "child_suspect": 0.06,
    "non_recent_abuse": 0.05,
}
# Procedure 1.1's interview decision (3.4), most often an interview.
ABE_DECISIONS = {
    "Interview planned": 70,
    "Child not yet ready": 15,
    "Child declines": 10,
    "Not appropriate - reason recorded": 5,
}
# The sources demo referrals come from, in the order the seeded draws have always used (reordering them
# changes every demo database).
DEMO_REFERRAL_SOURCES = tuple(REFERRAL_SOURCES[i] for i in (0, 1, 2, 3, 4, 6, 5))
CIRCUMSTANCES = (
    "Referral from school: child seen repeatedly collected by unknown adults in vehicles after school.",
    "Social worker reports unexplained gifts, new phone and staying out late; placement concerned.",
    "Health practitioner concern following sexual health clinic attendance; age gap with partner.",
    "Parent reports messages from unknown adults on social media asking child to meet.",
    "Residential home reports repeated missing episodes; child returned by taxi from another town.",
    "Child disclosed to youth worker being taken to parties at addresses where adults supplied alcohol.",
    "Police patrol found child in vehicle with adult male in early hours; adult not known to family.",
)
DECISIONS = (
    (
        "safeguarding",
        "Child to remain at home with safety plan agreed with parent",
        "Parent protective; social care support in place; risk managed without police protection.",
    ),
    (
        "investigation",
        "Prioritise early evidence: seize phone with consent",
        "Messages are the main corroboration and may be deleted.",
    ),
    (
        "investigation",
        "Delay suspect arrest until ABE interview completed",
        "Arrest first would alert the network and put the child under pressure.",
    ),
    (
        "disruption",
        "Serve Child Abduction Warning Notice on suspect A",
        "Repeated contact with the child; parental consent withdrawn; child under 16.",
    ),
    (
        "intelligence",
        "Task local officers to visit location L-12 on Friday nights",
        "Three intelligence reports link the location to the network.",
    ),
    (
        "risk",
        "Raise risk category pending new assessment",
        "Child went missing twice this week and returned with new items.",
    ),
    ("supervision", "Allocate second investigator", "Multiple victims identified; workload over threshold."),
    (
        "charging",
        "Seek early advice from specialist prosecutor",
        "Multi-victim case; credibility challenges expected at trial.",
    ),
)
TEXT_FILL = (
    "Completed as the guidance describes; details in the case file.",
    "Done and recorded; partner agencies informed where required.",
    "Recorded with the supervisor's agreement.",
)
NA_REASONS = (
    "Not needed in this case: covered by the multi-agency plan.",
    "Not applicable: partner agency leads on this action.",
    "Not required: the child's circumstances changed before this stage.",
)
INTEL_TEXTS = (
    "Child seen getting into a silver hatchback outside a takeaway (location L-{n}) at about 22:00.",
    "Adult using a social media account (handle H-{n}) contacting several children from the same school.",
    "Address A-{n} reported as a party house where children are given alcohol; visitors at night.",
    "Taxi firm T-{n} driver believed to transport children to hotels in another district.",
    "Group of adults seen handing money and cigarettes to children at a park (location L-{n}).",
)
