"""Demo 双报到 and volunteer service: units and party members registered with each community, volunteer teams
under their service brands, the three lists of the service list, and a history of claims and service.

Everything is made through the ``Volunteering`` use cases at moments of the demo clock over the past six
weeks, from fixed lists (the same district gets the same people, items and hours every time).  Per community:
two units (驻区单位), five approved in-service party members (在职党员) and one waiting for approval, one or
two teams (红马甲, 银发守护), a need, a resource and a project, an earlier need done and closed; claims
confirmed, completed with service records, one pending and one declined.  A demo ticket gets volunteer help
(``TicketHelp``): its holder asks for it, a team claims it and the community confirms; the ticket's
resolution puts the help on the team's record card and in the ticket's history.

The phones are 1390000CCNN (CC the community's place, NN the person's): a made-up range.  The full district
gets the same for its first communities only (``MAX_COMMUNITIES``), so loading it stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ticketing.domain.org import Organisation, PostKind, UnitKind
from ticketing.domain.volunteering.model import Claimant, ClaimantKind, ItemKind, RegistrantKind, RegistrationStatus
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft
from ticketing.services import Ticketing

MAX_COMMUNITIES = 6
HOUR, DAY, WEEK = timedelta(hours=1), timedelta(days=1), timedelta(weeks=1)

_UNITS = [
    ("东港区供电中心", "李建华", "电工两名，周末可上门检修线路"),
    ("区人民医院", "王慧", "每月一次义诊，测血压血糖"),
    ("日照银行秦楼支行", "赵磊", "防诈骗讲座，老年人手机银行教学"),
    ("区第二实验小学", "孙晓燕", "寒暑假开放操场，教师志愿辅导"),
    ("市自来水公司东港所", "周强", "管道检修，节水宣传"),
    ("区税务局第一分局", "吴敏", "个税申报辅导"),
    ("东港区司法所", "郑伟", "每周二法律咨询"),
    ("区市场监管所", "冯丽", "食品安全宣传，计量器具免费检定"),
    ("区消防救援大队", "陈刚", "消防演练，灭火器检查"),
    ("东港区图书馆", "褚静", "流动书箱，亲子阅读"),
    ("区疾控中心", "卫东", "健康讲座，疫苗接种咨询"),
    ("区文化馆", "蒋欣", "广场舞和书法辅导"),
]
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽华",
    "海涛",
    "静怡",
    "国庆",
    "晓梅",
    "文博",
    "雪梅",
    "俊杰",
    "春燕",
    "德明",
    "玉兰",
]
_WORK_UNITS = ["区财政局", "区教育局", "区卫生健康局", "区住房和城乡建设局", "区民政局", "区司法局", "区人社局"]
_SKILLS = ["水电维修", "法律咨询", "健康义诊", "心理疏导", "手机电脑教学", "家电维修", "书法", "义务理发"]
_TEAMS = [("红马甲志愿服务队", "红马甲"), ("银发守护志愿服务队", "银发守护")]
_NEEDS = [
    ("为独居老人代买药品", "每周两次去社区卫生服务站代买常用药品，送到老人家中"),
    ("楼道杂物清理", "协助清理楼道堆放的杂物，保持消防通道畅通"),
    ("陪行动不便老人就医", "陪同老人到区人民医院复诊，帮忙挂号取药"),
]
_RESOURCES = [
    ("免费法律咨询", "驻区单位律师每周二下午在党群服务中心接待居民"),
    ("义务理发", "每月第一个周六上午，为老人和残疾人免费理发"),
    ("家电免费检修", "小家电、电动车充电器免费检查维修"),
]
_PROJECTS = [
    ("四点半课堂", "放学后为双职工家庭的孩子辅导作业"),
    ("周末环境整治行动", "每周六上午清理小区卫生死角和小广告"),
    ("银龄手机课堂", "教老人使用智能手机挂号、缴费和视频通话"),
]
_DONE = ("重阳节敬老慰问", "为高龄老人送去慰问品，陪老人聊天")


@dataclass
class DemoCommunity:
    """What the demo made in one community: who may act there and the registrations and teams made."""

    community_id: str
    manager: str | None  # the party secretary (A): approves, keeps the teams
    centre: str | None  # the service centre (A): publishes, confirms, records
    members: list[int] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    units: list[int] = field(default_factory=list)
    teams: list[int] = field(default_factory=list)


def _holder(org: Organisation, kind: PostKind, community_id: str) -> str | None:
    post = org.post_for(kind, community_id)
    return post.holder_a if post is not None else None


def demo_communities(org: Organisation, also: str | None = None) -> list[str]:
    """The communities that get volunteer data: the first few, and ``also`` (the helped ticket's)."""
    ids = sorted(u.id for u in org.units.values() if u.kind is UnitKind.COMMUNITY)
    chosen = ids[:MAX_COMMUNITIES]
    if also is not None and also not in chosen:
        chosen.append(also)
    return chosen


def load_volunteers(
    service: Ticketing, org: Organisation, now: datetime, also: str | None = None
) -> dict[str, DemoCommunity]:
    """Registrations, teams, the service list and six weeks of claims and service in the demo communities."""
    return {
        community_id: _community(service, org, community_id, place, now)
        for place, community_id in enumerate(demo_communities(org, also))
    }


def _community(service: Ticketing, org: Organisation, community_id: str, place: int, now: datetime) -> DemoCommunity:
    volunteers = service.volunteering
    made = DemoCommunity(
        community_id,
        _holder(org, PostKind.COMMUNITY_PARTY, community_id),
        _holder(org, PostKind.INTAKE, community_id),
    )
    start = now - 6 * WEEK
    phone = iter(f"1390000{place % 100:02d}{n:02d}" for n in range(1, 100))
    for n in range(2):
        name, contact, offer = _UNITS[(place * 2 + n) % len(_UNITS)]
        unit = Application(community_id, RegistrantKind.UNIT, name, next(phone), contact_name=contact, offer=offer)
        registered = volunteers.register(unit, start + n * HOUR)
        volunteers.decide(registered.id, RegistrationStatus.APPROVED, made.manager, start + DAY)
        made.units.append(registered.id)
    for n in range(6):
        name = _SURNAMES[(place * 7 + n * 3) % len(_SURNAMES)] + _GIVEN[(place * 5 + n) % len(_GIVEN)]
        member = Application(
            community_id,
            RegistrantKind.MEMBER,
            name,
            next(phone),
            work_unit=_WORK_UNITS[(place + n) % len(_WORK_UNITS)],
            skills=_SKILLS[(place * 3 + n) % len(_SKILLS)],
            hours_per_month=4 + 2 * (n % 3),
        )
        registered = volunteers.register(member, start + (2 + n) * HOUR + n * DAY)
        if n < 5:  # the sixth waits for approval
            volunteers.decide(registered.id, RegistrationStatus.APPROVED, made.manager, start + (n + 1) * DAY)
            made.members.append(registered.id)
            made.links.append(registered.link)
    for n in range(1 + place % 2):
        name, brand = _TEAMS[n]
        members = made.members[n : n + 3] if n else made.members[:3]
        team = volunteers.create_team(
            community_id, name, brand, members, members[0], made.manager, start + 6 * DAY + n * HOUR
        )
        made.teams.append(team)
    _service_list(service, made, place, now)
    return made


def _draft(kind: ItemKind, text: tuple[str, str], published: datetime, days: int, people: int, hours: float) -> Draft:
    first = published.date()
    return Draft(kind, text[0], text[1], first, first + timedelta(days=days), people, hours)


def _service_list(service: Ticketing, made: DemoCommunity, place: int, now: datetime) -> None:
    """The items and their history: published four to five weeks ago, claimed and served since."""
    volunteers = service.volunteering
    centre, tz = made.centre, service.worlds.tz
    published = now - 30 * DAY
    community = made.community_id

    def day(at: datetime) -> datetime:
        return at.astimezone(tz).replace(hour=17, minute=0, second=0, microsecond=0)

    def record(claimant: Claimant, claim: int, at: datetime, hours: float, what: str, people: int = 1) -> None:
        served = day(at)
        volunteers.record_service(centre, claimant, served.date(), hours, what, served, claim, people)

    # An earlier need, done: its confirmed claim is completed when it closes.
    done = volunteers.publish(community, _draft(ItemKind.NEED, _DONE, published - 5 * DAY, 20, 4, 2), centre, published)
    first = Claimant(ClaimantKind.MEMBER, made.members[0])
    claim = volunteers.claim_by_link(made.links[0], done, published + HOUR)
    volunteers.confirm(claim, centre, published + 2 * HOUR)
    record(first, claim, published + 5 * DAY, 2, "上门看望三位高龄老人，送去米面油")
    volunteers.end_item(done, "closed", centre, published + 6 * DAY)

    # A need: one claim confirmed and served weekly, one declined, one still waiting.
    need = volunteers.publish(
        community, _draft(ItemKind.NEED, _NEEDS[place % 3], published, 90, 3, 1.5), centre, published
    )
    second = Claimant(ClaimantKind.MEMBER, made.members[1])
    claim = volunteers.claim_by_link(made.links[1], need, published + 4 * DAY)
    volunteers.confirm(claim, centre, published + 4 * DAY + 2 * HOUR)
    for week in range(3):
        record(second, claim, published + (7 + 7 * week) * DAY, 1.5, f"第{week + 1}次：{_NEEDS[place % 3][0]}")
    declined = volunteers.claim_by_link(made.links[2], need, now - 12 * DAY)
    volunteers.decline(declined, centre, "时间与服务安排冲突，已另行安排", now - 11 * DAY)
    volunteers.claim_by_link(made.links[3], need, now - 2 * DAY)  # pending: the community has yet to confirm

    # A resource a unit offers, put to use once.
    resource = volunteers.publish(
        community, _draft(ItemKind.RESOURCE, _RESOURCES[place % 3], published, 120, 2, 2), centre, published + HOUR
    )
    unit = Claimant(ClaimantKind.UNIT, made.units[0])
    claim = volunteers.claim_for(centre, resource, unit, 2, published + 2 * DAY)
    volunteers.confirm(claim, centre, published + 2 * DAY + HOUR)
    record(unit, claim, now - 9 * DAY, 2, _RESOURCES[place % 3][0], people=2)

    # A project the team (a brand) serves every week.
    project = volunteers.publish(
        community, _draft(ItemKind.PROJECT, _PROJECTS[place % 3], published, 180, 6, 2), centre, published + 2 * HOUR
    )
    team = Claimant(ClaimantKind.TEAM, made.teams[0])
    claim = volunteers.claim_for(centre, project, team, 3, published + 3 * DAY)
    volunteers.confirm(claim, centre, published + 3 * DAY + HOUR)
    for week in range(4):
        record(team, claim, published + (6 + 7 * week) * DAY, 2, f"{_PROJECTS[place % 3][0]}第{week + 1}期", people=3)
    if len(made.teams) > 1:  # the second brand's joint activity, on its card without a claim
        served = day(now - 5 * DAY)
        second_team = Claimant(ClaimantKind.TEAM, made.teams[1])
        volunteers.record_service(centre, second_team, served.date(), 1.5, "陪伴空巢老人聊天", served, people=3)


# --- volunteer help with a demo ticket

HELP = ("协助搬运受损家具", "水管爆裂后家中积水，需要志愿者帮忙搬运家具、清理积水")


@dataclass
class TicketHelp:
    """Volunteer help with a demo ticket, step by step on the demo's timeline: its holder asks for help, the
    community's first team claims two places (entered by the service centre) and the centre confirms.

    ``number`` gives the ticket's number once it is open; ``made``, the demo communities.
    """

    service: Ticketing
    made: dict[str, DemoCommunity]
    number: Callable[[], str]
    item: int = 0
    claim: int = 0
    community: DemoCommunity | None = None

    def events(self, asked: datetime) -> list[tuple[datetime, Callable[[datetime], object]]]:
        return [(asked, self.ask), (asked + HOUR / 2, self.claim_it), (asked + HOUR, self.confirm)]

    def ask(self, at: datetime) -> None:
        ticket = self.service.show(self.number()).ticket
        self.community = self.made[ticket.community_id or ""]
        today = at.astimezone(self.service.worlds.tz).date()
        draft = Draft(ItemKind.NEED, HELP[0], HELP[1], today, today + 7 * DAY, 2, 2)
        self.item = self.service.volunteering.ask_help(ticket.number, ticket.holder_id, draft, at)

    def claim_it(self, at: datetime) -> None:
        assert self.community is not None
        team = Claimant(ClaimantKind.TEAM, self.community.teams[0])
        self.claim = self.service.volunteering.claim_for(self.community.centre, self.item, team, 2, at)

    def confirm(self, at: datetime) -> None:
        assert self.community is not None
        self.service.volunteering.confirm(self.claim, self.community.centre, at)
