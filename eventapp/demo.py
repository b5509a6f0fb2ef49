"""The demo conference, built from shared/reference/REFERENCE-EVENT.md.

The regent of Bantaeng and the organisations on the social-protection panel
are named in the news report; every other name here is an invented demo
person (Person.is_demo), standing in for "a representative of …".
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from .agenda.models import RoleKind, SessionKind
from .agenda.releases import publish
from .agenda.services import assign_person, create_session
from .conferences.models import Conference, ConferenceStatus, RegistrationMode, Room, SubTheme
from .conferences.services import add_room, add_sub_theme, add_venue, create_conference
from .db_types import utcnow
from .extensions import db
from .invitations import services as invitations
from .people.models import Gender, Person, Sector
from .people.services import create_person
from .portal.models import SpeakerTask

DEMO_SLUG = "konas-pembuat-kebijakan-2019"
DAY = date(2019, 11, 27)
ZONE = "Asia/Jakarta"

CONFERENCE = {
    "title_id": "Konferensi Nasional Pembuat Kebijakan 2019",
    "title_en": "National Conference of Policy Makers 2019",
    "theme_id": (
        "Sinergi Masyarakat Sipil, Pemerintah dan Parlemen untuk Kesetaraan Gender "
        "dan Pemberdayaan Perempuan Indonesia"
    ),
    "theme_en": (
        "Synergy of civil society, government and parliament for gender equality "
        "and the empowerment of Indonesian women"
    ),
    "description_id": (
        "Konferensi satu hari yang mempertemukan pemerintah pusat dan daerah, anggota "
        "parlemen, dan organisasi masyarakat sipil mitra MAMPU. Sesi pleno dan lima sesi "
        "paralel, masing-masing dengan satu sub tema, membahas kebijakan yang berhasil "
        "memperluas akses perempuan terhadap layanan dan perlindungan."
    ),
    "description_en": (
        "A one-day conference bringing together central and regional government, members "
        "of parliament and MAMPU's civil-society partners. Plenary sessions and five "
        "parallel sessions, each under one sub-theme, discuss policies that have widened "
        "women's access to services and protection."
    ),
    "organisers": "MAMPU (Australia–Indonesia Partnership for Gender Equality and "
    "Women's Empowerment) · Kementerian PPN/Bappenas",
}

# (name, capacity, step_free, accessibility id, accessibility en)
ROOMS = [
    ("Ballroom", 500, True, "Tanpa anak tangga dari lobi; tersedia juru bahasa isyarat.",
     "Step-free from the lobby; sign-language interpreter provided."),
    ("Ruang Anggrek", 120, True, "Tanpa anak tangga; lift dari lobi.", "Step-free; lift from the lobby."),
    ("Ruang Melati", 100, True, "Tanpa anak tangga; lift dari lobi.", "Step-free; lift from the lobby."),
    ("Ruang Cempaka", 100, True, "Tanpa anak tangga; lift dari lobi.", "Step-free; lift from the lobby."),
    ("Ruang Kenanga", 80, True, "Tanpa anak tangga; lift dari lobi.", "Step-free; lift from the lobby."),
    ("Ruang Dahlia", 80, False, "Enam anak tangga di pintu masuk; minta bantuan petugas untuk jalur landai.",
     "Six steps at the entrance; ask staff for the ramp route."),
]

# (code, title id, title en, colour)
SUB_THEMES = [
    ("PS", "Meningkatkan Akses Perempuan dan Cakupan Program Perlindungan Sosial dan "
     "Kesehatan Reproduksi",
     "Improving women's access to, and the coverage of, social-protection and "
     "reproductive-health programmes", "#1f6f8b"),
    ("KK", "Akses Perempuan terhadap Pekerjaan dan Penghapusan Diskriminasi di Tempat Kerja",
     "Women's access to employment and removing workplace discrimination", "#8a4f00"),
    ("PMI", "Perlindungan Pekerja Migran Perempuan", "Protection of women migrant workers",
     "#2e7d32"),
    ("KSP", "Kesehatan Perempuan: Kesehatan Ibu dan Deteksi Dini Kanker",
     "Women's health: maternal health and early cancer screening", "#6a1b9a"),
    ("KTP", "Pengurangan Kekerasan terhadap Perempuan", "Reducing violence against women",
     "#b3261e"),
]

# key: (honorific, name, position, organisation, sector, gender, is_demo, bio id, bio en)
PEOPLE = {
    "ilham": ("H.", "Ilham Azikin", "Bupati Bantaeng (2018–2023)", "Pemerintah Kabupaten Bantaeng",
              Sector.REGIONAL_GOVERNMENT, Gender.MAN, False,
              "Satu-satunya dari 514 kepala daerah yang diundang khusus sebagai narasumber. "
              "Kabupaten Bantaeng menetapkan Perda No. 6/2018 tentang penanggulangan kemiskinan "
              "dan perlindungan sosial, yang diprakarsai DPRD bersama organisasi masyarakat sipil.",
              "The only one of Indonesia's 514 regional heads invited specially to speak. "
              "Bantaeng adopted regional regulation No. 6/2018 on poverty reduction and social "
              "protection, initiated by the regional parliament with civil-society organisations."),
    "ppn": ("Dr.", "Rahmawati Sudarso", "Direktur Perlindungan Sosial",
            "Kementerian PPN/Bappenas", Sector.CENTRAL_GOVERNMENT, Gender.WOMAN, True, "", ""),
    "dpr": ("Hj.", "Nurul Aini", "Anggota Komisi IX", "DPR RI",
            Sector.NATIONAL_PARLIAMENT, Gender.WOMAN, True, "", ""),
    "bpjs": ("", "Andi Prasetyo", "Koordinator Advokasi", "BPJS Watch",
             Sector.CIVIL_SOCIETY, Gender.MAN, True, "", ""),
    "permampu": ("", "Dina Lumbantobing", "Perwakilan Mitra", "PERMAMPU",
                 Sector.CIVIL_SOCIETY, Gender.WOMAN, True, "", ""),
    "pekka": ("", "Sartika Dewi", "Kader Serikat", "Serikat PEKKA",
              Sector.CIVIL_SOCIETY, Gender.WOMAN, True, "", ""),
    "mod_ps": ("", "Wulan Sari", "Spesialis Program", "MAMPU",
               Sector.DEVELOPMENT_PARTNER, Gender.WOMAN, True, "", ""),
    "deputi": ("Dr. Ir.", "Bambang Wicaksono", "Deputi Bidang Pembangunan Manusia",
               "Kementerian PPN/Bappenas", Sector.CENTRAL_GOVERNMENT, Gender.MAN, True, "", ""),
    "dfat": ("", "Sarah Whitfield", "Minister-Counsellor", "Kedutaan Besar Australia",
             Sector.DEVELOPMENT_PARTNER, Gender.WOMAN, True, "", ""),
    "mampu": ("Dr.", "Ayu Lestari", "Team Leader", "MAMPU",
              Sector.DEVELOPMENT_PARTNER, Gender.WOMAN, True, "", ""),
    "kemnaker": ("", "Hendra Gunawan", "Direktur Pengawasan Norma Kerja",
                 "Kementerian Ketenagakerjaan", Sector.CENTRAL_GOVERNMENT, Gender.MAN, True, "", ""),
    "serikat": ("", "Ratna Siregar", "Ketua", "Serikat Buruh Perempuan Indonesia",
                Sector.CIVIL_SOCIETY, Gender.WOMAN, True, "", ""),
    "mod_kk": ("", "Yusuf Hidayat", "Peneliti", "Universitas Indonesia",
               Sector.ACADEMIA, Gender.MAN, True, "", ""),
    "bp2mi": ("", "Made Suryani", "Kepala Subdirektorat", "BP2MI",
              Sector.CENTRAL_GOVERNMENT, Gender.WOMAN, True, "", ""),
    "migrant": ("", "Lina Marlina", "Koordinator", "Migrant CARE",
                Sector.CIVIL_SOCIETY, Gender.WOMAN, True, "", ""),
    "dprd_ntb": ("", "Lalu Ahmad Fauzi", "Anggota DPRD", "DPRD Provinsi Nusa Tenggara Barat",
                 Sector.REGIONAL_PARLIAMENT, Gender.MAN, True, "", ""),
    "mod_pmi": ("", "Fitri Handayani", "Jurnalis", "Kantor Berita Nasional",
                Sector.MEDIA, Gender.WOMAN, True, "", ""),
    "kemenkes": ("dr.", "Intan Permata", "Kepala Subdirektorat Kesehatan Ibu",
                 "Kementerian Kesehatan", Sector.CENTRAL_GOVERNMENT, Gender.WOMAN, True, "", ""),
    "aisyiyah": ("", "Siti Rohmah", "Pengurus Pusat", "Aisyiyah",
                 Sector.CIVIL_SOCIETY, Gender.WOMAN, True, "", ""),
    "mod_ksp": ("", "Maria Ulfa", "Peneliti", "Universitas Gadjah Mada",
                Sector.ACADEMIA, Gender.WOMAN, True, "", ""),
    "kpppa": ("", "Retno Wulandari", "Asisten Deputi",
              "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak",
              Sector.CENTRAL_GOVERNMENT, Gender.WOMAN, True, "", ""),
    "kpi": ("", "Mega Kartika", "Sekretaris Wilayah", "Koalisi Perempuan Indonesia",
            Sector.CIVIL_SOCIETY, Gender.WOMAN, True, "", ""),
    "dpr2": ("", "Arief Rahman", "Anggota Komisi VIII", "DPR RI",
             Sector.NATIONAL_PARLIAMENT, Gender.MAN, True, "", ""),
    "mod_ktp": ("", "Nadia Putri", "Manajer Program", "Yayasan Pulih",
                Sector.CIVIL_SOCIETY, Gender.WOMAN, True, "", ""),
}

# Demo addresses use the reserved .example domain: nobody real receives them.
# Every speaker has one, so each can sign in by e-mailed link to their own pages.
EMAILS = {"ilham": "bupati.bantaeng@demo.example"}


def _email(key: str) -> str:
    return EMAILS.get(key) or f"{key.replace('_', '.')}@pembicara.demo.example"


# The speakers' checklist: (title_id, title_en, details_id, details_en, due day).
SPEAKER_TASKS = [
    ("Kirim bahan presentasi", "Send your slides",
     "Kirim salindia (PDF atau PPTX) ke sekretariat agar juru bahasa isyarat dapat bersiap.",
     "Send your slides (PDF or PPTX) to the secretariat so the sign-language interpreters can prepare.",
     date(2019, 11, 20)),
    ("Lengkapi profil dan foto", "Complete your profile and photo",
     "Periksa jabatan, lembaga dan biodata singkat Anda dalam dua bahasa.",
     "Check your position, organisation and short bio in both languages.", date(2019, 11, 22)),
    ("Hadir 30 menit sebelum sesi", "Arrive 30 minutes before your session",
     "Temui moderator di ruang sesi untuk gladi singkat.", "Meet your moderator in the room for a short run-through.",
     None),
]

CATEGORIES = [("Kepala daerah", 20), ("Kementerian dan lembaga", None), ("Parlemen", None),
              ("Masyarakat sipil", None)]

# (category, honorific, name, position, organisation, sector, gender, language, reserved seat,
#  answer: True accepted / False declined / None pending, note)
DELEGATES = [
    ("Kepala daerah", "Drs.", "Yohanes Kabes", "Bupati", "Pemerintah Kabupaten (demo) Timur",
     Sector.REGIONAL_GOVERNMENT, Gender.MAN, "id", True, True, ""),
    ("Kepala daerah", "", "Fatmawati Rusdi", "Wali Kota", "Pemerintah Kota (demo) Selatan",
     Sector.REGIONAL_GOVERNMENT, Gender.WOMAN, "id", True, True, "Hadir bersama Kepala Dinas Sosial."),
    ("Kepala daerah", "H.", "Muhammad Syukri", "Bupati", "Pemerintah Kabupaten (demo) Barat",
     Sector.REGIONAL_GOVERNMENT, Gender.MAN, "id", True, False, "Bertepatan dengan rapat paripurna DPRD."),
    ("Kepala daerah", "", "Agustina Wenda", "Wakil Bupati", "Pemerintah Kabupaten (demo) Utara",
     Sector.REGIONAL_GOVERNMENT, Gender.WOMAN, "id", True, None, ""),
    ("Kementerian dan lembaga", "", "Teguh Santoso", "Kepala Biro Perencanaan",
     "Kementerian Sosial", Sector.CENTRAL_GOVERNMENT, Gender.MAN, "id", False, True, ""),
    ("Parlemen", "", "Dewi Anggraini", "Anggota DPRD", "DPRD Provinsi (demo)",
     Sector.REGIONAL_PARLIAMENT, Gender.WOMAN, "id", False, None, ""),
    ("Masyarakat sipil", "", "Rina Kusuma", "Direktur Eksekutif", "Lembaga Advokasi Perempuan (demo)",
     Sector.CIVIL_SOCIETY, Gender.WOMAN, "id", False, None, ""),
    (None, "", "Emily Carter", "Gender Adviser", "Development Partner (demo)",
     Sector.DEVELOPMENT_PARTNER, Gender.WOMAN, "en", False, None, ""),
]

PARALLEL = [
    # (sub-theme code, room, title en suffix, speakers, moderator)
    ("PS", "Ruang Anggrek", ["ilham", "ppn", "dpr", "bpjs", "permampu", "pekka"], "mod_ps"),
    ("KK", "Ruang Melati", ["kemnaker", "serikat"], "mod_kk"),
    ("PMI", "Ruang Cempaka", ["bp2mi", "migrant", "dprd_ntb"], "mod_pmi"),
    ("KSP", "Ruang Kenanga", ["kemenkes", "aisyiyah"], "mod_ksp"),
    ("KTP", "Ruang Dahlia", ["kpppa", "kpi", "dpr2"], "mod_ktp"),
]


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAY, time(hour, minute), tzinfo=ZoneInfo(ZONE))


def load_demo() -> tuple[Conference, bool]:
    """Create the demo conference unless its slug is taken; returns (conference, created).

    Only adds rows under its own conference, so other conferences are untouched,
    and running it again changes nothing."""
    existing = db.session.scalar(select(Conference).where(Conference.slug == DEMO_SLUG))
    if existing is not None:
        return existing, False

    conference = create_conference(
        slug=DEMO_SLUG, starts_on=DAY, ends_on=DAY, timezone=ZONE, is_demo=True, **CONFERENCE
    )
    venue = add_venue(conference, "Hotel Pullman Jakarta", city="Jakarta")
    rooms: dict[str, Room] = {}
    for name, capacity, step_free, note_id, note_en in ROOMS:
        rooms[name] = add_room(
            venue, name, capacity, step_free=step_free,
            accessibility_id=note_id, accessibility_en=note_en,
        )
    themes: dict[str, SubTheme] = {
        code: add_sub_theme(conference, code, title_id, title_en, colour)
        for code, title_id, title_en, colour in SUB_THEMES
    }
    people: dict[str, Person] = {}
    for key, (honorific, name, position, organisation, sector, gender, is_demo, bio_id, bio_en) in PEOPLE.items():
        people[key] = create_person(
            conference, name, honorific=honorific, position=position,
            organisation=organisation, sector=sector, gender=gender, is_demo=is_demo,
            bio_id=bio_id, bio_en=bio_en, email=_email(key),
        )

    ballroom = rooms["Ballroom"]
    opening = create_session(
        conference, kind=SessionKind.OPENING, starts_at=_at(8, 30), ends_at=_at(10), room=ballroom,
        title_id="Pembukaan dan Pidato Kunci", title_en="Opening and keynote addresses",
        abstract_id="Sambutan penyelenggara dan pidato kunci tentang sinergi lintas sektor.",
        abstract_en="Welcome from the organisers and keynotes on working across sectors.",
    )
    assign_person(opening, people["deputi"], RoleKind.KEYNOTE)
    assign_person(opening, people["dfat"], RoleKind.SPEAKER)
    assign_person(opening, people["mampu"], RoleKind.MODERATOR)

    create_session(
        conference, kind=SessionKind.BREAK, starts_at=_at(10), ends_at=_at(10, 30),
        title_id="Rehat kopi", title_en="Coffee break", spans_all_rooms=True,
    )
    for number, (code, room_name, speakers, moderator) in enumerate(PARALLEL, start=1):
        theme = themes[code]
        session = create_session(
            conference, kind=SessionKind.PARALLEL, starts_at=_at(10, 30), ends_at=_at(12, 30),
            room=rooms[room_name], sub_theme=theme,
            title_id=f"Sesi Paralel {number}: {theme.title_id}",
            title_en=f"Parallel session {number}: {theme.title_en}",
            abstract_id="Narasumber dari pemerintah, parlemen dan masyarakat sipil berbagi "
            "pengalaman kebijakan dan pelaksanaannya di daerah.",
            abstract_en="Speakers from government, parliament and civil society share what "
            "worked in policy and in its delivery in the regions.",
        )
        for key in speakers:
            if key == "ilham":  # invited specially, and accepted: the invitation is on record
                _invite_speaker(conference, session, people[key])
            else:
                assign_person(session, people[key], RoleKind.SPEAKER)
        assign_person(session, people[moderator], RoleKind.MODERATOR)

    create_session(
        conference, kind=SessionKind.BREAK, starts_at=_at(12, 30), ends_at=_at(13, 30),
        title_id="Istirahat, salat dan makan siang", title_en="Lunch and prayer break",
        spans_all_rooms=True,
    )
    plenary = create_session(
        conference, kind=SessionKind.PLENARY, starts_at=_at(13, 30), ends_at=_at(15), room=ballroom,
        title_id="Pleno: Laporan Sesi Paralel dan Rekomendasi Kebijakan",
        title_en="Plenary: reports from the parallel sessions and policy recommendations",
        abstract_id="Para perapor menyampaikan temuan tiap sub tema; diskusi rekomendasi bersama.",
        abstract_en="Rapporteurs present each sub-theme's findings; joint discussion of recommendations.",
    )
    assign_person(plenary, people["ilham"], RoleKind.SPEAKER)  # Bantaeng as the worked example
    for key in ("mod_ps", "mod_kk", "mod_pmi", "mod_ksp", "mod_ktp"):
        assign_person(plenary, people[key], RoleKind.RAPPORTEUR)
    assign_person(plenary, people["ppn"], RoleKind.MODERATOR)
    closing = create_session(
        conference, kind=SessionKind.CLOSING, starts_at=_at(15), ends_at=_at(15, 30), room=ballroom,
        title_id="Penutupan", title_en="Closing",
    )
    assign_person(closing, people["deputi"], RoleKind.SPEAKER)
    # Closing remarks from government and parliament: two men, which the
    # representation dashboard flags (a panel with no woman speaking).
    assign_person(closing, people["dpr2"], RoleKind.SPEAKER)

    conference.status = ConferenceStatus.PUBLISHED
    conference.contact_email = "sekretariat@konas.demo.example"
    conference.registration_mode = RegistrationMode.OPEN
    conference.registration_capacity = 450
    db.session.flush()
    _invite_delegates(conference)
    for position, (title_id, title_en, details_id, details_en, due_on) in enumerate(SPEAKER_TASKS):
        db.session.add(SpeakerTask(conference_id=conference.id, title_id=title_id, title_en=title_en,
                                   details_id=details_id, details_en=details_en, due_on=due_on,
                                   position=position))
    publish(conference, note="Demo")
    _register_attendees(conference)
    return conference, True


# (name, organisation, sector, gender, province, needs, parallel session number or None, checked in)
ATTENDEES = [
    ("Ratih Puspitasari", "Dinas Sosial Provinsi (demo)", Sector.REGIONAL_GOVERNMENT, Gender.WOMAN,
     "Jawa Tengah", {"need_step_free"}, 1, True),
    ("Budi Santoso", "Bappeda Kabupaten (demo)", Sector.REGIONAL_GOVERNMENT, Gender.MAN,
     "Sulawesi Selatan", set(), 1, True),
    ("Siti Nurhaliza", "LSM Perempuan (demo)", Sector.CIVIL_SOCIETY, Gender.WOMAN,
     "Nusa Tenggara Barat", {"need_sign_language"}, 3, False),
    ("Agus Salim", "Universitas (demo)", Sector.ACADEMIA, Gender.MAN, "DI Yogyakarta", set(), 2, False),
    ("Maria Goreti", "Forum Disabilitas (demo)", Sector.CIVIL_SOCIETY, Gender.WOMAN, "Nusa Tenggara Timur",
     {"need_step_free", "need_assistant"}, 4, True),
    ("Wayan Sudarma", "Media Lokal (demo)", Sector.MEDIA, Gender.MAN, "Bali", {"need_captions"}, 5, False),
    ("Dewi Lestari", "Puskesmas (demo)", Sector.REGIONAL_GOVERNMENT, Gender.WOMAN, "Jawa Barat", set(), 4, False),
    ("Hendra Wijaya", "Perusahaan (demo)", Sector.PRIVATE_SECTOR, Gender.NOT_STATED, "", set(), None, False),
]


def _register_attendees(conference: Conference) -> None:
    """Public registrations with parallel-session choices, some already checked in."""
    from .registration import services as registration

    slot = registration.choice_slots(conference)[0]
    by_number = {number: s for number, s in enumerate(slot.sessions, start=1)}
    for number, (name, organisation, sector, gender, province, needs, choice, arrived) in enumerate(
        ATTENDEES, start=1
    ):
        person = registration.Registrant(
            email=f"peserta{number}@demo.example", full_name=name, organisation=organisation,
            sector=sector, gender=gender, province=province, needs=needs,
            public_listing=number % 2 == 0,
        )
        chosen = {slot.key: by_number[choice].id} if choice else {}
        outcome = registration.register(conference, person, chosen, consent=True)
        if arrived:
            registration.check_in(outcome.registration, now=_at(8, 10 + number))


def _deadline() -> datetime:
    # The demo event is in the past; its invitations stay answerable for three
    # weeks after loading so the invitee's side can be tried.
    return utcnow() + timedelta(days=21)


def _invite_speaker(conference: Conference, session, person: Person) -> None:
    invitee = invitations.Invitee(
        email=person.email or "", full_name=person.full_name, honorific=person.honorific,
        position=person.position, organisation=person.organisation, sector=person.sector,
        gender=person.gender,
    )
    invitation, _ = invitations.invite_speaker(
        conference, session, RoleKind.SPEAKER, invitee, respond_by=_deadline(),
        message="Pengalaman Bantaeng dengan Perda No. 6/2018 menjadi contoh utama sesi ini.",
    )
    invitations.respond(invitation, True, note="Siap hadir.")


def _invite_delegates(conference: Conference) -> None:
    categories = {name: invitations.create_category(conference, name, quota)
                  for name, quota in CATEGORIES}
    for number, (category, honorific, name, position, organisation, sector, gender, language,
                 reserved, answer, note) in enumerate(DELEGATES, start=1):
        invitee = invitations.Invitee(
            email=f"undangan{number}@demo.example", full_name=name, honorific=honorific,
            position=position, organisation=organisation, sector=sector, gender=gender,
            language=language,
        )
        invitation, _ = invitations.invite_delegate(
            conference, invitee, category=categories.get(category or ""), reserved_seat=reserved,
            respond_by=_deadline(),
        )
        if answer is not None:
            invitations.respond(invitation, answer, note=note)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no conference.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo conference (the 2019 national policy makers' conference)."""
    if if_empty and db.session.scalar(select(func.count()).select_from(Conference)):
        click.echo("Database already has conferences; demo not loaded.")
        return
    conference, created = load_demo()
    db.session.commit()
    if created:
        click.echo(f"Demo conference loaded: /c/{conference.slug}")
    elif conference.is_demo:
        click.echo(f"Demo conference already present: /c/{conference.slug} (nothing changed)")
    else:
        click.echo(f"A conference with slug {DEMO_SLUG!r} exists and is not the demo; left as it is.")
