"""双报到 and volunteer service: who registers with a community, what it asks for, who claims it, what was served.

Units stationed in the community (驻区单位) and in-service party members (在职党员) register with the
community they live or work in (``registration``); the community organises members into volunteer teams
(志愿服务队) under a service brand.  The community publishes a service list (``service_list``) of needs
(需求清单), resources (资源清单) and projects (项目清单); approved units, members and teams claim its items
(认领), the community confirms or declines each claim, and each piece of service done goes on the
claimant's record card (服务记录卡, ``records``).  A staff member holding a ticket may ask for volunteer
help (``ticket_help``): a need linked to the ticket, recorded on the helpers' cards when it is resolved,
while the first responder stays accountable and the ticket's deadlines keep running.

Who may see and change what is ``access``.  Everything here is plain Python, tested without I/O.
"""
